#!/bin/sh
# Whole-process comparison of `backprop-lab grad` with the flat-tape reference
# (benches/reference), and of `hessian` and `hvp` with `grad`: wall time to the
# millisecond (/usr/bin/time prints only hundredths) and peak resident memory
# (/usr/bin/time's, which a small forking parent keeps exact), median of RUNS runs
# (default 5), the programs run in turn in one loop.
#
#   benches/whole_process.sh [SIZES]     e.g. benches/whole_process.sh "100000 1000000"
#
# Before timing, each script's answers are checked: the reference's JSON and grad's must
# be byte-identical. Prints a Markdown table.
set -eu
cd "$(dirname "$0")/.."
SIZES=${1:-"100000 1000000"}
RUNS=${RUNS:-5}
TARGET=${CARGO_TARGET_DIR:-target}
WORK=${BENCH_DIR:-$(mktemp -d)}
cargo build --release --bin backprop-lab >&2
CARGO_TARGET_DIR="$TARGET/reference" cargo build --release \
    --manifest-path benches/reference/Cargo.toml >&2
APP="$TARGET/release/backprop-lab"
REF="$TARGET/reference/release/flat-reference"
# How much of the command line's link order still names functions of this binary (a code
# change renames a few; benches/cli_symbol_order.sh writes the list afresh).
if [ -s assets/cli-symbol-order.txt ] && command -v nm >/dev/null; then
    nm "$APP" | awk '{print $NF}' | sort -u > "$WORK/symbols"
    found=$(sort -u assets/cli-symbol-order.txt | comm -12 - "$WORK/symbols" | wc -l)
    echo "link order: $found of $(wc -l < assets/cli-symbol-order.txt) functions found" >&2
fi
for n in $SIZES; do
    for kind in chain dag mlp; do
        [ -s "$WORK/$kind-$n.txt" ] || python3 benches/gen_script.py "$n" "$kind" > "$WORK/$kind-$n.txt"
    done
done
LAST=$(echo "$SIZES" | awk '{print $NF}')
[ -s "$WORK/chain3-$LAST.txt" ] || python3 benches/gen_script.py "$LAST" chain3 > "$WORK/chain3-$LAST.txt"
python3 - "$APP" "$REF" "$WORK" "$RUNS" "$LAST" $SIZES <<'PY'
import statistics, subprocess, sys, time
app, ref, work, runs, last, *sizes = sys.argv[1:]
runs = int(runs)

def run_once(argv):
    """Wall seconds and peak resident kB of one run of argv (stdout discarded). The time
    includes starting /usr/bin/time, the same for every program."""
    start = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    elapsed = time.perf_counter() - start
    return elapsed, int(r.stderr.strip().splitlines()[-1])

def measure(*commands):
    """Median time and memory of each command over `runs` rounds; within a round the
    commands run in turn, so all of them see the same machine load."""
    samples = [[] for _ in commands]
    for _ in range(runs):
        for s, argv in zip(samples, commands):
            s.append(run_once(argv))
    return [(statistics.median(t for t, _ in s), statistics.median(m for _, m in s))
            for s in samples]

def fmt(t, m):
    return f"{t:.3f} s, {m / 1024:.1f} MB"

print("| script | reference | backprop-lab grad | time ratio | memory ratio |")
print("|---|---|---|---|---|")
for n in sizes:
    for kind in ["chain", "dag", "mlp"]:
        path = f"{work}/{kind}-{n}.txt"
        ours = subprocess.run([app, "grad", path], capture_output=True, check=True).stdout
        theirs = subprocess.run([ref, path], capture_output=True, check=True).stdout
        assert ours == theirs, f"{path}: the answers differ"
        (r_t, r_m), (o_t, o_m) = measure([ref, path], [app, "grad", path])
        print(f"| {kind}, {int(n):.0e} statements | {fmt(r_t, r_m)} | {fmt(o_t, o_m)} "
              f"| {o_t / r_t:.2f} | {o_m / r_m:.2f} |")

path = f"{work}/chain3-{last}.txt"
g, h, v = measure([app, "grad", path], [app, "hessian", path],
                  [app, "hvp", path, "--v", "a=1,b=-0.5,c=0.25"])
print()
print(f"| chain3, {int(last):.0e} statements, 3 inputs | time | memory | time / grad | memory / grad |")
print("|---|---|---|---|---|")
for name, (t, m) in [("grad", g), ("hessian", h), ("hvp", v)]:
    print(f"| {name} | {t:.3f} s | {m / 1024:.1f} MB | {t / g[0]:.2f} | {m / g[1]:.2f} |")
PY
