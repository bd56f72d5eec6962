#!/bin/sh
# Whole-process comparison of `backprop-lab grad` with the flat-tape reference
# (benches/reference), and of `hessian` and `hvp` with `grad`: wall time to the
# millisecond (/usr/bin/time prints only hundredths) and peak resident memory
# (/usr/bin/time's, which a small forking parent keeps exact), and the medians of the
# per-round ratios of wall time, CPU time and memory, over RUNS rounds (default 5); in
# each round every program runs once, in a shuffled order.
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
import os, random, statistics, subprocess, sys, time
app, ref, work, runs, last, *sizes = sys.argv[1:]
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
    """Per command: the median wall time and peak memory over `runs` rounds, and the
    medians of the per-round ratios of wall time, CPU time and memory to the first
    command. Within a round every command runs once, in a shuffled order: the machine's
    speed drifts by tens of percent within minutes, and a ratio within one round sees
    one machine."""
    samples = [[] for _ in commands]
    for _ in range(runs):
        order = list(range(len(commands)))
        random.shuffle(order)
        for i in order:
            samples[i].append(run_once(commands[i]))
    base = samples[0]
    return [{
        "time": statistics.median(w for w, _, _ in s),
        "memory": statistics.median(m for _, _, m in s),
        "time ratio": statistics.median(a[0] / b[0] for a, b in zip(s, base)),
        "cpu ratio": statistics.median(a[1] / b[1] for a, b in zip(s, base)),
        "memory ratio": statistics.median(a[2] / b[2] for a, b in zip(s, base)),
    } for s in samples]

def fmt(r):
    return f"{r['time']:.3f} s, {r['memory'] / 1024:.1f} MB"

print("| script | reference | backprop-lab grad | time ratio | CPU time ratio | memory ratio |")
print("|---|---|---|---|---|---|")
for n in sizes:
    for kind in ["chain", "dag", "mlp"]:
        path = f"{work}/{kind}-{n}.txt"
        ours = subprocess.run([app, "grad", path], capture_output=True, check=True).stdout
        theirs = subprocess.run([ref, path], capture_output=True, check=True).stdout
        assert ours == theirs, f"{path}: the answers differ"
        r, o = measure([ref, path], [app, "grad", path])
        print(f"| {kind}, {int(n):.0e} statements | {fmt(r)} | {fmt(o)} "
              f"| {o['time ratio']:.2f} | {o['cpu ratio']:.2f} | {o['memory ratio']:.2f} |",
              flush=True)

path = f"{work}/chain3-{last}.txt"
g, h, v = measure([app, "grad", path], [app, "hessian", path],
                  [app, "hvp", path, "--v", "a=1,b=-0.5,c=0.25"])
print()
print(f"| chain3, {int(last):.0e} statements, 3 inputs | time | memory | time / grad "
      "| CPU time / grad | memory / grad |")
print("|---|---|---|---|---|---|")
for name, r in [("grad", g), ("hessian", h), ("hvp", v)]:
    print(f"| {name} | {r['time']:.3f} s | {r['memory'] / 1024:.1f} MB | {r['time ratio']:.2f} "
          f"| {r['cpu ratio']:.2f} | {r['memory ratio']:.2f} |")
PY
