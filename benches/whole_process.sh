#!/bin/sh
# Whole-process comparison of `backprop-lab grad` with the plain flat-tape program
# (benches/plain) and the lean reference (benches/reference), and of `hessian` and `hvp`
# with `grad`: wall time to the millisecond (/usr/bin/time prints only hundredths) and
# peak resident memory (/usr/bin/time's, which a small forking parent keeps exact), and
# the medians of the per-round ratios of wall time, CPU time and memory, over RUNS rounds
# (default 5); in each round every program runs once, in a shuffled order.
#
#   benches/whole_process.sh [SIZES]     e.g. benches/whole_process.sh "100000 1000000"
#
# Before timing, each script's answers are checked: the three programs' JSON must be
# byte-identical. Prints Markdown tables.
set -eu
cd "$(dirname "$0")/.."
SIZES=${1:-"100000 1000000"}
RUNS=${RUNS:-5}
TARGET=${CARGO_TARGET_DIR:-target}
WORK=${BENCH_DIR:-$(mktemp -d)}
cargo build --release --bin backprop-lab >&2
for yardstick in plain reference; do
    CARGO_TARGET_DIR="$TARGET/$yardstick" cargo build --release \
        --manifest-path "benches/$yardstick/Cargo.toml" >&2
done
APP="$TARGET/release/backprop-lab"
PLAIN="$TARGET/plain/release/flat-plain"
REF="$TARGET/reference/release/flat-reference"
for n in $SIZES; do
    for kind in chain dag mlp; do
        [ -s "$WORK/$kind-$n.txt" ] || python3 benches/gen_script.py "$n" "$kind" > "$WORK/$kind-$n.txt"
    done
done
LAST=$(echo "$SIZES" | awk '{print $NF}')
[ -s "$WORK/chain3-$LAST.txt" ] || python3 benches/gen_script.py "$LAST" chain3 > "$WORK/chain3-$LAST.txt"
python3 - "$APP" "$PLAIN" "$REF" "$WORK" "$RUNS" "$LAST" $SIZES <<'PY'
import os, random, statistics, subprocess, sys, time
app, plain, ref, work, runs, last, *sizes = sys.argv[1:]
runs = int(runs)
random.seed(1)

def run_once(argv):
    """Wall seconds, CPU seconds (user + system) and peak resident kB of one run of argv
    (stdout discarded). Both times include starting /usr/bin/time, the same for every
    program."""
    start = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M"] + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    assert status == 0, f"{argv} failed: {err}"
    return elapsed, usage.ru_utime + usage.ru_stime, int(err.strip().splitlines()[-1])

def measure(*commands):
    """Per command, `runs` samples (wall time, CPU time, memory). Within a round every
    command runs once, in a shuffled order: the machine's speed drifts by tens of percent
    within minutes, and a ratio within one round sees one machine."""
    samples = [[] for _ in commands]
    for _ in range(runs):
        order = list(range(len(commands)))
        random.shuffle(order)
        for i in order:
            samples[i].append(run_once(commands[i]))
    return samples

def ratio(a, b, what):
    """The median of the per-round ratios a / b of wall time (0), CPU time (1) or memory (2)."""
    return statistics.median(x[what] / y[what] for x, y in zip(a, b))

def fmt(s):
    wall = statistics.median(w for w, _, _ in s)
    memory = statistics.median(m for _, _, m in s)
    return f"{wall:.3f} s, {memory / 1024:.1f} MB"

print("| script | plain | reference | backprop-lab grad | grad / plain: time | CPU time "
      "| memory | grad / reference: time | memory |")
print("|---|---|---|---|---|---|---|---|---|")
for n in sizes:
    for kind in ["chain", "dag", "mlp"]:
        path = f"{work}/{kind}-{n}.txt"
        answers = [subprocess.run(argv + [path], capture_output=True, check=True).stdout
                   for argv in ([app, "grad"], [plain], [ref])]
        assert answers[0] == answers[1] == answers[2], f"{path}: the answers differ"
        o, p, r = measure([app, "grad", path], [plain, path], [ref, path])
        print(f"| {kind}, {int(n):.0e} statements | {fmt(p)} | {fmt(r)} | {fmt(o)} "
              f"| {ratio(o, p, 0):.2f} | {ratio(o, p, 1):.2f} | {ratio(o, p, 2):.2f} "
              f"| {ratio(o, r, 0):.2f} | {ratio(o, r, 2):.2f} |", flush=True)

path = f"{work}/chain3-{last}.txt"
g, h, v = measure([app, "grad", path], [app, "hessian", path],
                  [app, "hvp", path, "--v", "a=1,b=-0.5,c=0.25"])
print()
print(f"| chain3, {int(last):.0e} statements, 3 inputs | time | memory | time / grad "
      "| CPU time / grad | memory / grad |")
print("|---|---|---|---|---|---|")
for name, s in [("grad", g), ("hessian", h), ("hvp", v)]:
    wall, memory = fmt(s).split(", ")
    print(f"| {name} | {wall} | {memory} | {ratio(s, g, 0):.2f} | {ratio(s, g, 1):.2f} "
          f"| {ratio(s, g, 2):.2f} |")
PY
