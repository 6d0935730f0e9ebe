#!/usr/bin/env bash
# Runs lsp_test.lua in a headless Neovim 0.7 (Debian's) against bin/mcpls serve.
# The workspace and all of Neovim's state live in a temp dir, removed after.
# Exit 0 only when every check passed. Env: MCPLS (the binary, default
# bin/mcpls), NVIM_TEST_TIMEOUT (seconds, default 60), KEEP=1 keeps the temp dir.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mcpls=${MCPLS:-$repo/bin/mcpls}
[[ -x $mcpls ]] || { echo "nvim test: $mcpls is missing; run make build" >&2; exit 1; }
command -v nvim >/dev/null || { echo "nvim test: nvim is missing; run make deps" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mcpls-nvim.XXXXXX")
cleanup() { if [[ ${KEEP:-0} == 1 ]]; then echo "nvim test: kept $tmp" >&2; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
mkdir -p "$tmp/ws" "$tmp/xdg"
cp "$here/testdata/broken.mcp.json" "$tmp/ws/.mcp.json"

# Neovim keeps swap files, shada and lsp.log under XDG dirs: keep them in tmp.
export XDG_CONFIG_HOME=$tmp/xdg/config XDG_DATA_HOME=$tmp/xdg/data \
	XDG_CACHE_HOME=$tmp/xdg/cache XDG_STATE_HOME=$tmp/xdg/state
# luafile takes an Ex file name: escape spaces and backslashes.
script=$(printf '%s' "$here/lsp_test.lua" | sed 's/[ \\]/\\&/g')

status=0
MCPLS=$mcpls WORKSPACE=$tmp/ws timeout "${NVIM_TEST_TIMEOUT:-60}" \
	nvim --headless --clean -n -i NONE -c "luafile $script" </dev/null || status=$?
if [[ $status -ne 0 ]]; then
	case $status in
	124) echo "nvim test: FAIL timed out after ${NVIM_TEST_TIMEOUT:-60}s" >&2 ;;
	*) echo "nvim test: FAIL (exit $status)" >&2 ;;
	esac
	log=$XDG_CACHE_HOME/nvim/lsp.log
	if [[ -s $log ]]; then
		echo "--- last lines of $log (server stderr and client errors)" >&2
		tail -n 40 "$log" >&2
	fi
	exit 1
fi
