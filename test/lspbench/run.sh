#!/usr/bin/env bash
# LSP-level benchmark: bin/mcpls serve and vscode-json-language-server on the
# same generated large config (200 servers, 2,000 requests, ~500 KiB), with
# the same edits and completion positions, in one run. Prints a table and
# exits 1 when a run fails or mcpls misses a target.
#
# The driver and the generator are ../shared/tools/lspbench (lspbench.mjs,
# gen.mjs). shared/ is read-only, so they are copied into .cache/lspbench and
# their npm dependencies (vscode-langservers-extracted among them) installed
# there, once. Our own parts: plan.mjs (positions and edits) and table.mjs.
#
# Env: LSPBENCH_SRC (default ../shared/tools/lspbench beside the repo),
# BENCH_ITERATIONS (mcpls, default 50), BENCH_JSON_ITERATIONS (the JSON
# server, ~1 s per sample, default 10), MCPLS (default bin/mcpls).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=bench
iterations=${BENCH_ITERATIONS:-50}
json_iterations=${BENCH_JSON_ITERATIONS:-10}
# shellcheck source=setup.sh
source "$here/setup.sh"
# The oneOf dispatch is the JSON server's fast path (see the driver's README,
# trap 7): the comparison is against its best case.
node gen.mjs --size large --dispatch oneof --outdir docs >/dev/null
node "$here/plan.mjs" docs/large.mcp.json docs/large.mcpls-plan.json >/dev/null
common=(--doc docs/large.mcp.json --schema docs/mcp-bench.oneof.schema.json --plan docs/large.mcpls-plan.json)

run() { # name, then driver arguments; a failed run is reported in the table
	local name=$1
	shift
	echo "bench: $name ..." >&2
	node lspbench.mjs "$@" --out "results/$name.json" >"results/$name.txt" 2>&1 </dev/null ||
		echo "bench: $name failed (exit $?), see $work/results/$name.txt" >&2
}
run mcpls --server "$mcpls serve" "${common[@]}" --iterations "$iterations" --timeout-ms 10000 \
	--server-log results/mcpls.server.log
run vscode-json --server "$work/node_modules/.bin/vscode-json-language-server --stdio" "${common[@]}" \
	--iterations "$json_iterations" --validate-iterations 0 --timeout-ms 60000 \
	--server-log results/vscode-json.server.log

node "$here/table.mjs" results/mcpls.json results/vscode-json.json
