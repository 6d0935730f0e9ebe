#!/usr/bin/env bash
# The VS Code end-to-end test: installs dist/mcpls-<version>.vsix into a
# real VS Code (code-server 4.100.3, with --install-extension), starts
# `mcpls demo-server` on a free port, opens a copy of examples/demo in
# Debian's chromium driven by playwright-core (vscode.mjs) and checks what a
# user sees: code lenses, Connect, the MCP view's tools, completion of a tool
# name, a request run from its lens and its result, the console's traffic;
# then that the extension activated with its bundled server (its log file).
# Screenshots go to $E2E_HOME/shots (kept as test artifacts).
#
# Run through `make e2e` (which builds the vsix first). Env: E2E_HOME
# (default .cache/e2e), VSIX (default dist/mcpls-<version>.vsix), CS_PORT,
# E2E_AUTH (1 or 0; default 1 when `mcpls demo-server --auth` exists).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/test/e2e"
export E2E_HOME=${E2E_HOME:-$ROOT/.cache/e2e}
version=$(node -p "require('$ROOT/package.json').version")
VSIX=${VSIX:-$ROOT/dist/mcpls-$version.vsix}
MCPLS=${MCPLS:-$ROOT/bin/mcpls}
[ -f "$VSIX" ] || { echo "e2e: no $VSIX: run make vsix" >&2; exit 1; }
[ -x "$MCPLS" ] || { echo "e2e: no $MCPLS: run make build" >&2; exit 1; }

bash "$HERE/install.sh"

RUN="$E2E_HOME/run"
rm -rf "$RUN" "$E2E_HOME/shots"
mkdir -p "$RUN"/{ext,work-trusted,work-untrusted,xdg-config,xdg-data,xdg-cache,tmp} "$E2E_HOME/shots"
# code-server and chromium keep every file under $RUN (not under $HOME).
export XDG_CONFIG_HOME="$RUN/xdg-config" XDG_DATA_HOME="$RUN/xdg-data" XDG_CACHE_HOME="$RUN/xdg-cache" TMPDIR="$RUN/tmp"
CS="$E2E_HOME/code-server/node_modules/.bin/code-server"

pids=()
cleanup() {
    # Each background job runs under setsid: end its whole process group.
    for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do
        for _ in $(seq 40); do kill -0 -- "-$p" 2>/dev/null || break; sleep 0.25; done
        kill -9 -- "-$p" 2>/dev/null || true
    done
}
trap cleanup EXIT

echo "e2e: installing $VSIX"
"$CS" --user-data-dir "$RUN/user-install" --extensions-dir "$RUN/ext" --install-extension "$VSIX" 2>&1 | tail -2

# The demo server on a free port; the config file reads it from MCPLS_DEMO_PORT.
setsid "$MCPLS" demo-server --addr 127.0.0.1:0 >"$RUN/demo.out" 2>"$RUN/demo.err" &
pids+=($!)
for _ in $(seq 100); do grep -q '^http' "$RUN/demo.out" 2>/dev/null && break; sleep 0.1; done
demo_url=$(head -1 "$RUN/demo.out")
[[ "$demo_url" =~ ^http://127\.0\.0\.1:([0-9]+)/ ]] || { echo "e2e: demo-server printed no URL: $(cat "$RUN/demo.err")" >&2; exit 1; }
export MCPLS_DEMO_PORT=${BASH_REMATCH[1]}
echo "e2e: demo-server at $demo_url"

# Sign-in (on unless E2E_AUTH=0, when `demo-server --auth` exists): a
# second demo server behind its own OAuth authorization server, and a config
# file for it; the tour signs in to it. The test itself follows the
# authorize URL (the one the extension logs to the MCP Console when it opens
# the browser): code-server's web client rewrites loopback URLs to its
# /proxy/<port>/ route, so the browser tab it opens cannot reach the AS.
if [ -z "${E2E_AUTH:-}" ]; then
    E2E_AUTH=0
    help=$("$MCPLS" demo-server --help 2>&1 || true)
    if [[ "$help" == *"-auth"* ]]; then E2E_AUTH=1; fi
fi
if [ "${E2E_AUTH:-}" = 1 ]; then
    setsid "$MCPLS" demo-server --auth --addr 127.0.0.1:0 >"$RUN/auth.out" 2>"$RUN/auth.err" &
    pids+=($!)
    for _ in $(seq 100); do grep -q '^http' "$RUN/auth.out" 2>/dev/null && break; sleep 0.1; done
    auth_url=$(head -1 "$RUN/auth.out")
    [[ "$auth_url" =~ ^http:// ]] || { echo "e2e: demo-server --auth printed no URL: $(cat "$RUN/auth.err")" >&2; exit 1; }
    echo "e2e: demo-server --auth at $auth_url"
    export E2E_AUTH
fi

# One code-server session per mode, each with a fresh user data dir: the
# whole tour in a trusted workspace, then restricted mode (trust enabled and
# refused): Connect must ask first.
session() { # $1 = trusted | untrusted
    local mode=$1 user="$RUN/user-$1" trust=false flags=(--disable-workspace-trust)
    if [ "$mode" = untrusted ]; then trust=true; flags=(); fi
    mkdir -p "$user/User"
    cat >"$user/User/settings.json" <<JSON
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "security.workspace.trust.enabled": $trust,
  "security.workspace.trust.startupPrompt": "always",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "workbench.enableExperiments": false,
  "chat.disableAIFeatures": true,
  "files.autoSave": "off",
  "editor.codeLens": true,
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never",
  "mcpls.console.level": "debug"
}
JSON
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    setsid "$CS" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
        "${flags[@]}" --disable-getting-started-override \
        --user-data-dir "$user" --extensions-dir "$RUN/ext" "$RUN/work-$mode" >"$RUN/code-server-$mode.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    for i in $(seq 240); do
        curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        [ "$i" = 240 ] && { echo "e2e: code-server did not come up" >&2; cat "$RUN/code-server-$mode.log" >&2; return 1; }
        sleep 0.25
    done
    echo "e2e: code-server ($mode) on 127.0.0.1:$port"
    local rc=0
    PLAYWRIGHT_CORE="$E2E_HOME/tools/node_modules/playwright-core" E2E_LOGS="$user/logs" \
        node "$HERE/vscode.mjs" "http://127.0.0.1:$port/?folder=$RUN/work-$mode" "$E2E_HOME/shots/$mode" "$mode" || rc=$?
    kill -- "-$pid" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.25; done
    return $rc
}

# Copies of the example: the tests edit them; the repository's stay as they are.
cp -r "$ROOT/examples/demo/." "$RUN/work-trusted/"
cp -r "$ROOT/examples/demo/." "$RUN/work-untrusted/"
if [ -n "${auth_url:-}" ]; then
    printf '{ "mcpServers": { "secure": { "type": "http", "url": "%s" } } }\n' "$auth_url" >"$RUN/work-trusted/auth.mcp.json"
fi
# A stdio server, which mcpls must not start in restricted mode.
printf '{ "mcpServers": { "local": { "command": "%s", "args": ["demo-server", "--stdio"] } } }\n' "$MCPLS" \
    >"$RUN/work-untrusted/local.mcp.json"
status=0
session trusted || status=1
session untrusted || status=1

# Activation, from the extension's own log (a LogOutputChannel is a file).
log=$(find "$RUN/user-trusted/logs" -path '*mcpls.mcpls*' -name 'mcpls.log' 2>/dev/null | head -1)
if [ -n "$log" ] && grep -q '(bundled)' "$log"; then
    echo "PASS activation: $(grep -m1 '(bundled)' "$log" | sed 's/^.*\] //')"
else
    echo "FAIL activation: no log line of the bundled server in ${log:-the extension host logs}"
    status=1
fi
# No token in what the user sees: the console and the extension's log.
# (A token-like run of characters after Bearer or in a token field; not the
# challenge's parameters, which end with "=".)
leaks=$(grep -rhoP '(Bearer [A-Za-z0-9._~+/-]{12,}(?![A-Za-z0-9._~+/=-])|"(access|refresh)_token\\?"\s*:\s*\\?"[A-Za-z0-9._~+/-]{12,})' \
    "$RUN"/user-*/logs 2>/dev/null | head -3 || true)
if [ -n "$leaks" ]; then
    echo "FAIL tokens in the logs: $leaks"
    status=1
else
    echo "PASS no token in the console or the extension's logs"
fi
echo "e2e: screenshots in $E2E_HOME/shots"
exit $status
