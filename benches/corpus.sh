#!/bin/sh
# Byte-identical answers: runs every case of benches/corpus.py with an earlier build of
# backprop-lab (OLD) and this checkout's release build, and compares stdout, stderr, exit
# status and the files `export` writes. Exits 1 if any case differs.
#
#   benches/corpus.sh OLD        e.g. a copy of target/release/backprop-lab from main
set -eu
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: benches/corpus.sh OLD-BINARY" >&2; exit 2; }
cargo build --release --bin backprop-lab >&2
exec python3 benches/corpus.py "$1" "${CARGO_TARGET_DIR:-target}/release/backprop-lab"
