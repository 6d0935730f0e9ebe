#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, idempotently, under
# .cache/e2e (E2E_HOME): Debian's chromium and the build tools code-server's
# native modules compile with (apt), code-server 4.100.3 from npm (the last
# release for Node 20), and playwright-core (drives chromium; downloads no
# browser). A second run with everything in place takes a second.
#
# Offline traps handled here (only the registries are reachable):
#  - code-server's postinstall refuses root unless npm_config_unsafe_perm=true;
#  - node-pty's postinstall runs `npx node-gyp`, which needs npm_config_yes=true
#    without a TTY;
#  - kerberos needs libkrb5-dev; argon2's prebuilt download fails and it builds
#    from source (build-essential, python3);
#  - @vscode/ripgrep downloads rg from GitHub in its postinstall: a tarball of
#    Debian's rg staged in its cache directory is used instead.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E2E_HOME=${E2E_HOME:-$ROOT/.cache/e2e}
CS_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
RG_PKG_VERSION=1.15.11             # @vscode/ripgrep as pinned by code-server 4.100.3's lib/vscode
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
export TMPDIR="$E2E_HOME/tmp"
mkdir -p "$TMPDIR" "$E2E_HOME/code-server" "$E2E_HOME/tools"

apt_packages=(chromium ripgrep build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
    echo "e2e install: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

CS_BIN="$E2E_HOME/code-server/node_modules/.bin/code-server"
if ! [ -x "$CS_BIN" ] || ! grep -q "\"version\": \"$CS_VERSION\"" "$E2E_HOME/code-server/node_modules/code-server/package.json" 2>/dev/null; then
    echo "e2e install: code-server $CS_VERSION (a few minutes)"
    rgcache="$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION"
    mkdir -p "$rgcache" "$TMPDIR/rg-stage"
    cp "$(command -v rg)" "$TMPDIR/rg-stage/rg"
    tar czf "$rgcache/$RG_ASSET" -C "$TMPDIR/rg-stage" rg
    (
        cd "$E2E_HOME/code-server"
        [ -f package.json ] || echo '{"name":"mcpls-e2e-code-server","private":true}' >package.json
        npm_config_unsafe_perm=true npm_config_yes=true \
            npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" >"$E2E_HOME/code-server-install.log" 2>&1 ||
            { tail -40 "$E2E_HOME/code-server-install.log" >&2; exit 1; }
    )
fi

if ! [ -f "$E2E_HOME/tools/node_modules/playwright-core/package.json" ] ||
    ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$E2E_HOME/tools/node_modules/playwright-core/package.json"; then
    echo "e2e install: playwright-core $PLAYWRIGHT_VERSION"
    (
        cd "$E2E_HOME/tools"
        [ -f package.json ] || echo '{"name":"mcpls-e2e-tools","private":true}' >package.json
        npm install --no-audit --no-fund "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
    )
fi
# code-server writes ~/.config/code-server unless XDG_* point elsewhere.
XDG_CONFIG_HOME="$TMPDIR/xdg-config" XDG_DATA_HOME="$TMPDIR/xdg-data" "$CS_BIN" --version | head -1
echo "e2e install: ready in $E2E_HOME"
