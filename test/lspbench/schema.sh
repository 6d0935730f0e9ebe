#!/usr/bin/env bash
# Schema-driven LSP benchmark (issue 4): mcpls validating request arguments
# against tool schemas that come over the wire, beside
# vscode-json-language-server validating the same document against the same
# schemas, in one run. Prints a table and exits 1 when a run fails or mcpls
# misses a target.
#
# The large generated config of lspbench's gen.mjs (2,000 requests against
# 500 tool schemas) is rewritten by schema-doc.mjs so that its 200 servers
# are http entries pointing at one `mcpls demo-server --tools` serving the
# generated tools; mcpls serve connects them (autoConnect "http") and
# schema.mjs measures both servers on the same edits, each giving one
# argument a value of the wrong type.
#
# Env: LSPBENCH_SRC (default ../shared/tools/lspbench beside the repo),
# BENCH_ITERATIONS (mcpls edits, default 96: every planned edit once),
# BENCH_COMPLETIONS (completions timed per position on every
# server, default 400: with fewer than 100 samples a p99 is the maximum),
# BENCH_JSON_ITERATIONS (the JSON server with the oneOf schema,
# its fast path, ~0.8 s a sample, default 20), BENCH_JSON_IFTHEN_ITERATIONS
# (the JSON server with gen.mjs's default if/then schema, ~3 s a sample,
# default 5; 0 skips it), MCPLS (default bin/mcpls).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=bench-schema
iterations=${BENCH_ITERATIONS:-96}
completions=${BENCH_COMPLETIONS:-400}
json_iterations=${BENCH_JSON_ITERATIONS:-20}
ifthen_iterations=${BENCH_JSON_IFTHEN_ITERATIONS:-5}
# shellcheck source=setup.sh
source "$here/setup.sh"
# Same seed, same document and tool schemas; only the request dispatch differs.
node gen.mjs --size large --outdir docs >/dev/null
node gen.mjs --size large --dispatch oneof --outdir docs >/dev/null

# The demo server prints its URL on its first stdout line.
exec 3< <(exec "$mcpls" demo-server --addr 127.0.0.1:0 --tools docs/mcp-bench.oneof.schema.json 2>results/schema-demo-server.log)
demo_pid=$!
trap 'kill "$demo_pid" 2>/dev/null || true' EXIT
read -r -t 20 url <&3 || { echo "bench-schema: demo-server printed no URL within 20 s, see $work/results/schema-demo-server.log" >&2; exit 1; }
cat <&3 >/dev/null &
exec 3<&-
echo "bench-schema: demo-server at $url" >&2

# The document gets a folder of its own: the driver opens its folder as the
# workspace, and mcpls checks every config file of a workspace, open or not;
# beside gen.mjs's documents it would also load bench-lsp's 500 KiB one.
rm -f docs/large.schema-bench.*
mkdir -p schema-bench
node "$here/schema-doc.mjs" docs/large.mcp.json docs/mcp-bench.oneof.schema.json "$url" \
	schema-bench/large.schema-bench.mcp.json schema-bench/large.schema-bench.plan.json >&2
common=(--doc schema-bench/large.schema-bench.mcp.json --plan schema-bench/large.schema-bench.plan.json --completions "$completions")

run() { # name, then driver arguments; a failed run is reported in the table
	local name=$1
	shift
	echo "bench-schema: $name ..." >&2
	node "$here/schema.mjs" "$@" --out "results/$name.json" >"results/$name.txt" 2>&1 </dev/null ||
		echo "bench-schema: $name failed (exit $?), see $work/results/$name.txt" >&2
}
json_server="$work/node_modules/.bin/vscode-json-language-server --stdio"
# 200 servers connect at once to one demo server, each listing 518 tools
# page by page: on a loaded 2-core machine that can outlast the default
# connect timeout (30 s), which is not what this benchmark measures.
run schema-mcpls --server "$mcpls serve" "${common[@]}" --iterations "$iterations" \
	--init-options '{"autoConnect":"http","timeouts":{"connect":120}}' --wait-connected 1
run schema-vscode-json-oneof --server "$json_server" "${common[@]}" --schema docs/mcp-bench.oneof.schema.json \
	--iterations "$json_iterations"
results=(results/schema-mcpls.json results/schema-vscode-json-oneof.json)
if ((ifthen_iterations > 0)); then
	run schema-vscode-json-ifthen --server "$json_server" "${common[@]}" --schema docs/mcp-bench.schema.json \
		--iterations "$ifthen_iterations"
	results+=(results/schema-vscode-json-ifthen.json)
fi

node "$here/schema-table.mjs" "${results[@]}"
