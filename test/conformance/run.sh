#!/usr/bin/env bash
# test/conformance/run.sh: run the official MCP client conformance suite,
# @modelcontextprotocol/conformance (pinned below), against `bin/mcpls conformance`.
#
# Usage: bash test/conformance/run.sh [SCENARIO...]
#
# With no SCENARIO it plays the issue-3 scenarios (initialize, tools_call,
# elicitation-sep1034-client-defaults, sse-retry); ALL=1 plays every client
# scenario the suite lists. Prints one row per scenario and a total; exits
# 1 when a scenario fails that test/conformance/baseline.txt does not list
# (or that it lists but now passes), 2 on setup or usage errors.
#
# Environment:
#   ALL=1              every client scenario (`conformance list --client`)
#   STRICT=1           auth/* failures count too. Without it they show as
#                      PENDING: the OAuth flow is issue 5; its done-check is
#                      `ALL=1 STRICT=1 bash test/conformance/run.sh`.
#   CONFORMANCE_CACHE  where Node 22 and the suite are installed
#                      (default: .cache/conformance in the repository)
#   RESULTS            where logs and checks.json go (default: a new
#                      directory under $CONFORMANCE_CACHE/results)
#   BASELINE           the baseline file (default test/conformance/baseline.txt)
#   TIMEOUT_MS         per-scenario client timeout (default 30000)
#   MCPLS              the binary under test (default bin/mcpls, built by
#                      `go build -o bin/mcpls ./server` when missing)
#
# Needs bash, npm (for the first install only: Node 22 comes from the npm
# package node-linux-<arch>@22 because the suite does not load on Node 20),
# go (when bin/mcpls is missing) and coreutils timeout. Reads no stdin.

set -euo pipefail

SUITE_VERSION=0.1.16
NODE_MAJOR=22
# Played when no scenario is named: what issue 3 requires today.
DEFAULT_SCENARIOS=(initialize tools_call elicitation-sep1034-client-defaults sse-retry)
# The only scenario issue 5 lets the baseline hold, and only when it fails
# solely because the suite's mock announces a mismatched issuer.
BASELINE_ALLOWED=(auth/2025-03-26-oauth-metadata-backcompat)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cache="${CONFORMANCE_CACHE:-$root/.cache/conformance}"
baseline_file="${BASELINE:-$root/test/conformance/baseline.txt}"
timeout_ms="${TIMEOUT_MS:-30000}"
mcpls="${MCPLS:-$root/bin/mcpls}"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

die() { echo "conformance: $*" >&2; exit 2; }
say() { echo "conformance: $*" >&2; }

[[ "$timeout_ms" =~ ^[1-9][0-9]*$ ]] || die "TIMEOUT_MS must be a positive number of milliseconds"
command -v timeout >/dev/null || die "coreutils timeout is needed"

# npm_install DIR SPEC: install SPEC into DIR/node_modules, quietly, no stdin.
npm_install() {
	command -v npm >/dev/null || die "npm is needed to install $2"
	mkdir -p "$1"
	[[ -f "$1/package.json" ]] || echo '{"private":true}' >"$1/package.json"
	say "installing $2 into ${1#"$root"/}"
	npm install --prefix "$1" --no-audit --no-fund --loglevel=error "$2" </dev/null >&2 \
		|| die "npm install $2 failed"
}

node_major() { "$1" -p 'process.versions.node.split(".")[0]' </dev/null 2>/dev/null || echo 0; }

# ensure_node prints a Node >= NODE_MAJOR, installing one into the cache.
ensure_node() {
	local arch pkg bin
	case "$(uname -m)" in
	x86_64 | amd64) arch=x64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) die "no node-linux package for $(uname -m)" ;;
	esac
	pkg="node-linux-$arch"
	bin="$cache/node$NODE_MAJOR/node_modules/$pkg/bin/node"
	if (($(node_major "$bin") < NODE_MAJOR)); then
		npm_install "$cache/node$NODE_MAJOR" "$pkg@$NODE_MAJOR"
	fi
	(($(node_major "$bin") >= NODE_MAJOR)) || die "$bin is not a working Node $NODE_MAJOR"
	echo "$bin"
}

# ensure_suite prints the suite's CLI entry point, installing it when the
# cached copy is missing or another version.
ensure_suite() {
	local dir="$cache/suite-$SUITE_VERSION" pkg have
	pkg="$dir/node_modules/@modelcontextprotocol/conformance"
	have="$("$node" -p "require('$pkg/package.json').version" </dev/null 2>/dev/null || true)"
	if [[ "$have" != "$SUITE_VERSION" ]]; then
		npm_install "$dir" "@modelcontextprotocol/conformance@$SUITE_VERSION"
	fi
	[[ -f "$pkg/dist/index.js" ]] || die "suite entry point missing: $pkg/dist/index.js"
	echo "$pkg/dist/index.js"
}

# One install at a time, so two runs sharing the cache do not collide.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
node="$(ensure_node)"
suite="$(ensure_suite)"
flock -u 9

if [[ ! -x "$mcpls" ]]; then
	say "building $mcpls"
	go build -o "$mcpls" ./server </dev/null || die "go build failed"
fi

# ---------------------------------------------------------------- scenarios
mapfile -t known < <("$node" "$suite" list --client </dev/null | sed -n 's/^[[:space:]]*-[[:space:]]*\([^[:space:]]*\).*/\1/p')
((${#known[@]})) || die "the suite listed no client scenarios"
is_known() { [[ " ${known[*]} " == *" $1 "* ]]; }

if (($#)); then
	scenarios=("$@")
elif [[ "${ALL:-}" == 1 ]]; then
	scenarios=("${known[@]}")
else
	scenarios=("${DEFAULT_SCENARIOS[@]}")
fi
for s in "${scenarios[@]}"; do
	is_known "$s" || die "unknown scenario '$s' (known: ${known[*]})"
done

# ---------------------------------------------------------------- baseline
# One scenario per line, then its reason; blank lines and # comments skipped.
declare -A baseline=()
if [[ -f "$baseline_file" ]]; then
	while read -r name reason; do
		[[ -z "$name" || "$name" == \#* ]] && continue
		[[ -n "$reason" ]] || die "${baseline_file#"$root"/}: $name has no reason"
		[[ " ${BASELINE_ALLOWED[*]} " == *" $name "* ]] \
			|| die "${baseline_file#"$root"/}: $name may not be baselined (allowed: ${BASELINE_ALLOWED[*]})"
		baseline[$name]="$reason"
	done <"$baseline_file"
fi

# ---------------------------------------------------------------- run
if [[ -z "${RESULTS:-}" ]]; then
	# Keep the last ten runs' results.
	mkdir -p "$cache/results"
	find "$cache/results" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -r | tail -n +10 \
		| while read -r old; do rm -rf "${cache:?}/results/$old"; done
fi
results="${RESULTS:-$cache/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$results" || die "cannot create $results"
results="$(cd "$results" && pwd)"

client_secs=$(((timeout_ms + 999) / 1000))
# The suite appends the server URL and runs the line through /bin/sh; our
# client stops itself a second before the suite would kill it.
client_cmd="$(printf '%q' "$mcpls") conformance --timeout $((client_secs > 2 ? client_secs - 1 : 1))s"

# play SCENARIO: run it; leaves DIR/log, DIR/rc and DIR/<run>/checks.json.
play() {
	local dir="$results/${1//\//_}" rc=0
	mkdir -p "$dir"
	timeout -k 5 $((client_secs + 60)) "$node" "$suite" client --command "$client_cmd" \
		--scenario "$1" --timeout "$timeout_ms" -o "$dir" </dev/null >"$dir/log" 2>&1 || rc=$?
	echo "$rc" >"$dir/rc"
}

# tally DIR: "success failure warning" counts and the failed check names.
tally() {
	local checks
	checks="$(find "$1" -name checks.json -print -quit)"
	[[ -n "$checks" ]] || { echo "0 0 0 no checks.json"; return; }
	"$node" -e '
		const checks = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const n = (s) => checks.filter((c) => c.status === s).length;
		const bad = checks.filter((c) => c.status === "FAILURE" || c.status === "WARNING").map((c) => c.id);
		console.log(n("SUCCESS"), n("FAILURE"), n("WARNING"), [...new Set(bad)].join(","));
	' "$checks" </dev/null
}

echo "MCP client conformance: @modelcontextprotocol/conformance@$SUITE_VERSION on node $("$node" --version)"
echo "client: $client_cmd <url>; ${#scenarios[@]} scenario(s); results in $results"
echo
start=$SECONDS
for s in "${scenarios[@]}"; do play "$s"; done
elapsed=$((SECONDS - start))

# ---------------------------------------------------------------- summary
printf '%-44s %-8s %-22s %s\n' SCENARIO RESULT "CHECKS (ok/fail/warn)" NOTE
pass=0 fail=0 xfail=0 pending=0
for s in "${scenarios[@]}"; do
	dir="$results/${s//\//_}"
	rc="$(cat "$dir/rc")"
	read -r ok bad warn names <<<"$(tally "$dir")"
	note=""
	if ((rc == 0)); then
		if [[ -n "${baseline[$s]:-}" ]]; then
			result=STALE note="passes: remove it from baseline.txt" fail=$((fail + 1))
		else
			result=PASS pass=$((pass + 1))
		fi
	elif [[ -n "${baseline[$s]:-}" ]]; then
		result=XFAIL note="baseline: ${baseline[$s]}" xfail=$((xfail + 1))
	elif [[ "$s" == auth/* && "${STRICT:-}" != 1 ]]; then
		result=PENDING note="OAuth flow is issue 5${names:+; failed: $names}" pending=$((pending + 1))
	else
		result=FAIL note="${names:+failed: $names; }log: $dir/log" fail=$((fail + 1))
	fi
	grep -q 'CLIENT TIMED OUT' "$dir/log" && note="client timed out; $note"
	printf '%-44s %-8s %-22s %s\n' "$s" "$result" "$ok/$bad/$warn" "$note"
done
echo
echo "conformance: $pass passed, $fail failed, $xfail expected failures, $pending pending (issue 5); ${elapsed}s"
((fail == 0))
