#!/usr/bin/env bash
# Packages the extension: dist/mcpls-<version>.vsix with the esbuild bundle
# (out/main.js, vscode-languageclient inside) and the server binary
# (bin/mcpls, built by `make build` before this runs). @vscode/vsce 3.x (the
# last for Node 20) is installed once into .cache/vsce; node_modules stays
# out of the package (--no-dependencies: the bundle has what it needs).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VSCE_VERSION=3.9.2
VSCE_HOME="$ROOT/.cache/vsce"
VSCE="$VSCE_HOME/node_modules/.bin/vsce"

[ -x bin/mcpls ] || { echo "vsix: bin/mcpls is missing: run make build first" >&2; exit 1; }
bin/mcpls version >/dev/null
if ! [ -x "$VSCE" ] || ! grep -q "\"version\": \"$VSCE_VERSION\"" "$VSCE_HOME/node_modules/@vscode/vsce/package.json"; then
    mkdir -p "$VSCE_HOME"
    [ -f "$VSCE_HOME/package.json" ] || echo '{"name":"mcpls-vsce","private":true}' >"$VSCE_HOME/package.json"
    (cd "$VSCE_HOME" && npm install --no-audit --no-fund --loglevel=error "@vscode/vsce@$VSCE_VERSION")
fi
node extension/build.mjs --minify
version=$(node -p 'require("./package.json").version')
mkdir -p dist
out="dist/mcpls-$version.vsix"
"$VSCE" package --no-dependencies --skip-license --allow-missing-repository --no-rewrite-relative-links \
    --out "$out" </dev/null
# The package must carry the bundle and an executable server.
listing=$(unzip -Z1 "$out")
for f in extension/package.json extension/out/main.js extension/bin/mcpls; do
    grep -qx "$f" <<<"$listing" || { echo "vsix: $out lacks $f" >&2; exit 1; }
done
echo "vsix: $out"
