#!/usr/bin/env bash
# make demo: build bin/mcpls, start the embedded demo MCP server on a free
# loopback port, print its catalog, run the saved requests of
# examples/demo/.mcp.json, stop the server. Exits with mcpls run's status.
set -uo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
CONFIG=examples/demo/.mcp.json

"$GO" build -o bin/mcpls ./server || exit 2

tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	exec 3<&- 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server prints its URL as the first line of stdout: read it through a
# FIFO, so there is nothing to poll.
mkfifo "$tmp/url"
bin/mcpls demo-server --addr 127.0.0.1:0 >"$tmp/url" 2>"$tmp/server.log" &
pid=$!
exec 3<"$tmp/url"
if ! read -r -t 15 url <&3; then
	echo "demo: the demo server printed no URL; its log:" >&2
	cat "$tmp/server.log" >&2
	exit 2
fi
port=${url#http://127.0.0.1:}
port=${port%%/*}
export MCPLS_DEMO_PORT=$port
echo "demo server at $url"
echo

bin/mcpls list --config "$CONFIG" demo || exit $?
echo
bin/mcpls run --config "$CONFIG"
status=$?
exit $status
