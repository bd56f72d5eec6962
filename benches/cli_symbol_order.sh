#!/bin/sh
# Writes assets/cli-symbol-order.txt: the functions of the release binary that the command
# line runs (the hottest of `grad` first, then the rest in first-call order), for the
# linker to place side by side
# (build.rs passes the file to lld as --symbol-ordering-file).
#
# Why: the program is the whole app (GUI included, 12 MB of code). The kernel maps code 64 KB
# at a time around each page first touched, so 190 KB of command-line code scattered over
# the binary made 1.3 MB of it resident when `grad` ran; packed together it is a few
# hundred KB.
#
# Run it again after changing dependencies or the toolchain (symbol names carry hashes of
# both), or after larger changes to the command line's code (a few local functions are
# renamed when their module changes): a name the binary no longer has is skipped by the
# linker, so a stale file costs memory, never correctness. `benches/whole_process.sh`
# prints how many of the names the binary still has.
#
#   benches/cli_symbol_order.sh
set -eu
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --bin backprop-lab >&2
APP="$TARGET/release/backprop-lab"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 benches/gen_script.py 3000 chain > "$WORK/chain.txt"
python3 benches/gen_script.py 3000 mlp > "$WORK/mlp.txt"
printf 'x = 3\ny = 2\nf = x^2 * y + sin(x) / exp(y) - relu(x - y) + max(x, y)\n' > "$WORK/f.txt"
printf 'x = 1\ny = x +\n' > "$WORK/bad.txt"
run() {
    out=$1
    shift
    valgrind --tool=callgrind --demangle=no --dump-instr=no \
        --callgrind-out-file="$WORK/cg.$out" "$APP" "$@" > /dev/null 2>&1 || true
}
# The commands a user runs most, `grad` first: its code leads the file.
run grad_chain grad "$WORK/chain.txt"
run grad_mlp grad "$WORK/mlp.txt"
run grad_at grad "$WORK/f.txt" --at x=2
run hvp hvp "$WORK/f.txt" --v x=1,y=0
run hessian hessian "$WORK/f.txt"
run grad_bad grad "$WORK/bad.txt"
python3 - "$APP" "$WORK" > assets/cli-symbol-order.txt <<'PY'
import glob, os, re, subprocess, sys
app, work = sys.argv[1:]
defined = set()
for line in subprocess.run(["nm", app], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "tT":
        defined.add(parts[2])
order, seen = [], set()
# The hottest functions of `grad` first, by the instructions run in them (their own, not
# their callees'), so the inner loops share as few cache lines and pages as they can.
cost = {}
for run in ("cg.grad_chain", "cg.grad_mlp"):
    report = subprocess.run(["callgrind_annotate", "--threshold=100", os.path.join(work, run)],
                            capture_output=True, text=True, check=True).stdout
    for line in report.splitlines():
        m = re.match(r"^\s*([\d,]+) \([^)]*\)\s+\S*:(\S+?)(?:'\d+)? \[", line)
        if m and m.group(2) in defined:
            cost[m.group(2)] = cost.get(m.group(2), 0) + int(m.group(1).replace(",", ""))
total = sum(cost.values()) or 1
for name, c in sorted(cost.items(), key=lambda item: -item[1]):
    if c * 10000 >= total:
        seen.add(name)
        order.append(name)
for path in sorted(glob.glob(os.path.join(work, "cg.*")), key=os.path.getmtime):
    for line in open(path):
        # callgrind names a function in full the first time it mentions it: fn=(id) name
        m = re.match(r"^c?fn=\(\d+\) (\S+)", line)
        if m and m.group(1) in defined and m.group(1) not in seen:
            seen.add(m.group(1))
            order.append(m.group(1))
print("\n".join(order))
PY
wc -l assets/cli-symbol-order.txt >&2
