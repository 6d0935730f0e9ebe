#!/usr/bin/env bash
# Runs the headless Neovim 0.7 (Debian's) tests against bin/mcpls serve:
#   lsp_test.lua  diagnostics, completion and edits on a broken .mcp.json;
#   mcp_test.lua  code lenses, live-schema completion and diagnostics,
#                 running and cancelling requests, against `mcpls demo-server`
#                 started here on 127.0.0.1 and stopped on exit.
# Each script gets its own workspace and Neovim state in a temp dir, removed
# after. Exit 0 only when every check of every script passed. Args: the
# scripts to run (default: both). Env: MCPLS (the binary, default
# bin/mcpls), NVIM_TEST_TIMEOUT (seconds per script, default 60), KEEP=1
# keeps the temp dir.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mcpls=${MCPLS:-$repo/bin/mcpls}
[[ -x $mcpls ]] || { echo "nvim test: $mcpls is missing; run make build" >&2; exit 1; }
command -v nvim >/dev/null || { echo "nvim test: nvim is missing; run make deps" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mcpls-nvim.XXXXXX")
demo_pid=
auth_pid=
cleanup() {
	if [[ -n $demo_pid ]]; then kill "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true; fi
	if [[ -n $auth_pid ]]; then kill "$auth_pid" 2>/dev/null || true; wait "$auth_pid" 2>/dev/null || true; fi
	if [[ ${KEEP:-0} == 1 ]]; then echo "nvim test: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# start_demo starts mcpls demo-server and sets demo_url from its first line.
start_demo() {
	mkfifo "$tmp/demo.out"
	"$mcpls" demo-server --addr 127.0.0.1:0 >"$tmp/demo.out" 2>"$tmp/demo.err" &
	demo_pid=$!
	exec 3<"$tmp/demo.out"
	if ! read -r -t 10 demo_url <&3; then
		echo "nvim test: demo-server printed no URL" >&2
		cat "$tmp/demo.err" >&2
		exit 1
	fi
}

# start_auth_demo starts mcpls demo-server --auth and sets auth_url.
start_auth_demo() {
	mkfifo "$tmp/auth.out"
	"$mcpls" demo-server --auth --addr 127.0.0.1:0 >"$tmp/auth.out" 2>"$tmp/auth.err" &
	auth_pid=$!
	exec 4<"$tmp/auth.out"
	if ! read -r -t 10 auth_url <&4; then
		echo "nvim test: demo-server --auth printed no URL" >&2
		cat "$tmp/auth.err" >&2
		exit 1
	fi
}

# run_script NAME WORKSPACE-FILE: runs NAME.lua in a fresh workspace whose
# .mcp.json is the given file.
run_script() {
	local name=$1 config=$2 dir=$tmp/$1
	mkdir -p "$dir/ws" "$dir/xdg"
	cp "$config" "$dir/ws/.mcp.json"
	# Neovim keeps swap files, shada and lsp.log under XDG dirs, and mcpls
	# its catalog cache and rendered results: keep them in tmp.
	local script status=0
	# luafile takes an Ex file name: escape spaces and backslashes.
	script=$(printf '%s' "$here/$name.lua" | sed 's/[ \\]/\\&/g')
	echo "--- $name" >&2
	XDG_CONFIG_HOME=$dir/xdg/config XDG_DATA_HOME=$dir/xdg/data \
		XDG_CACHE_HOME=$dir/xdg/cache XDG_STATE_HOME=$dir/xdg/state \
		MCPLS=$mcpls WORKSPACE=$dir/ws NVIM_HARNESS=$here/harness.lua timeout "${NVIM_TEST_TIMEOUT:-60}" \
		nvim --headless --clean -n -i NONE -c "luafile $script" </dev/null || status=$?
	if [[ $status -ne 0 ]]; then
		case $status in
		124) echo "nvim test: $name FAIL timed out after ${NVIM_TEST_TIMEOUT:-60}s" >&2 ;;
		*) echo "nvim test: $name FAIL (exit $status)" >&2 ;;
		esac
		local log=$dir/xdg/cache/nvim/lsp.log
		if [[ -s $log ]]; then
			echo "--- last lines of $log (server stderr and client errors)" >&2
			tail -n 40 "$log" >&2
		fi
		return 1
	fi
}

scripts=("$@")
[[ ${#scripts[@]} -gt 0 ]] || scripts=(lsp_test mcp_test auth_test)
failed=0
for name in "${scripts[@]}"; do
	case $name in
	lsp_test) run_script lsp_test "$here/testdata/broken.mcp.json" || failed=1 ;;
	mcp_test)
		[[ -n $demo_pid ]] || start_demo
		sed "s|__DEMO_URL__|$demo_url|" "$here/testdata/demo.mcp.json" >"$tmp/demo.mcp.json"
		run_script mcp_test "$tmp/demo.mcp.json" || failed=1
		;;
	auth_test)
		[[ -n $auth_pid ]] || start_auth_demo
		sed "s|__DEMO_URL__|$auth_url|" "$here/testdata/demo.mcp.json" >"$tmp/auth.mcp.json"
		run_script auth_test "$tmp/auth.mcp.json" || failed=1
		;;
	*) echo "nvim test: unknown script $name" >&2; exit 2 ;;
	esac
done
exit $failed
