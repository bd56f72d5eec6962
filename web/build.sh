#!/usr/bin/env bash
# Builds the web version into web/dist: index.html, the wasm and its JavaScript glue.
# Needs: rustup target add wasm32-unknown-unknown; cargo install wasm-bindgen-cli --version 0.2.130;
# npm (binaryen's wasm-opt is installed into web/test/node_modules on first use)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --profile wasm-release --target wasm32-unknown-unknown --bin backprop-lab
rm -rf web/dist
mkdir -p web/dist
wasm-bindgen --target web --no-typescript --out-dir web/dist --out-name backprop_lab \
    "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/backprop-lab.wasm"
cp web/index.html web/dist/
wasm=web/dist/backprop_lab_bg.wasm
echo "wasm-bindgen's output: $(wc -c < "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) gzipped"

# wasm-opt from npm's binaryen, pinned in web/test/package.json: Debian's binaryen (108)
# breaks the reference-type tables wasm-bindgen 0.2.130 emits; 132 reads them. The
# target_features section is kept (--emit-target-features) so the features it lists
# stay declared for the tools that read the module after us.
wasm_opt=web/test/node_modules/.bin/wasm-opt
if [ ! -x "$wasm_opt" ]; then
    (cd web/test && npm ci --no-audit --no-fund)
fi
"$wasm_opt" -Oz --strip-debug --strip-producers --emit-target-features "$wasm" -o "$wasm.opt" 2>&1 \
    | head -n 20
mv "$wasm.opt" "$wasm"
echo "web/dist ready: $(wc -c < "$wasm") bytes of wasm, $(gzip -9 -c "$wasm" | wc -c) gzipped"

# The same folder as one ZIP, for a teacher to put on any static web host.
rm -f web/backprop-lab-web.zip
python3 -m zipfile -c web/backprop-lab-web.zip web/dist
echo "web/backprop-lab-web.zip: $(wc -c < web/backprop-lab-web.zip) bytes"
