#!/usr/bin/env bash
# MCP client benchmark: mcpls's client (internal/mcp) against a raw net/http
# floor, the TypeScript SDK client and itself in parallel, in one run, on a
# minimal Go echo server on loopback. Prints a table with both sides, the ratios
# and PASS/MISS per target. Exits 0 whether targets pass or not (figures on a
# shared machine inform, they don't gate); non-zero only when it cannot run.
#
# Env: MCPBENCH_CALLS (default 2000), MCPBENCH_CONNECTS (300),
# MCPBENCH_ROUNDS (30), MCPBENCH_JSON (a file for the figures as JSON).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [[ ! -d $here/node_modules/@modelcontextprotocol/sdk ]]; then
	echo "mcpbench: the TypeScript SDK peer is not installed; run make deps (npm ci --prefix test/mcpbench)" >&2
	exit 1
fi
bin=$repo/.cache/mcpbench/mcpbench
mkdir -p "$(dirname "$bin")"
(cd "$repo" && go build -o "$bin" ./test/mcpbench)
cd "$here"
args=(-calls "${MCPBENCH_CALLS:-2000}" -connects "${MCPBENCH_CONNECTS:-300}" -rounds "${MCPBENCH_ROUNDS:-30}")
if [[ -n ${MCPBENCH_JSON:-} ]]; then
	args+=(-json "$MCPBENCH_JSON")
fi
"$bin" "${args[@]}"
