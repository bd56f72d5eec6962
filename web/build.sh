#!/usr/bin/env bash
# Builds the web version into web/dist: index.html, the wasm and its JavaScript glue.
# Needs: rustup target add wasm32-unknown-unknown; cargo install wasm-bindgen-cli --version 0.2.130
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --profile wasm-release --target wasm32-unknown-unknown --bin backprop-lab
rm -rf web/dist
mkdir -p web/dist
wasm-bindgen --target web --no-typescript --out-dir web/dist --out-name backprop_lab \
    "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/backprop-lab.wasm"
# No wasm-opt: Debian's binaryen (108) breaks the reference-type tables wasm-bindgen
# 0.2.130 emits; size comes from the wasm-release profile instead.
cp web/index.html web/dist/
wasm=web/dist/backprop_lab_bg.wasm
echo "web/dist ready: $(wc -c < "$wasm") bytes of wasm, $(gzip -9 -c "$wasm" | wc -c) gzipped"
