# setup.sh, sourced by run.sh and schema.sh with $here set to this folder
# and $name to the caller's name for messages: checks the mcpls binary,
# copies the shared lspbench driver into .cache/lspbench and installs its
# dependencies there when they changed. Sets repo, src, work and mcpls, and
# leaves the shell in $work.
repo=$(cd "$here/../.." && pwd)
src=${LSPBENCH_SRC:-$repo/../shared/tools/lspbench}
work=$repo/.cache/lspbench
mcpls=${MCPLS:-$repo/bin/mcpls}

[[ -x $mcpls ]] || { echo "$name: $mcpls is missing; run make build" >&2; exit 1; }
[[ -f $src/lspbench.mjs ]] || { echo "$name: no lspbench driver at $src (set LSPBENCH_SRC)" >&2; exit 1; }

mkdir -p "$work/results"
for f in lspbench.mjs gen.mjs package.json package-lock.json; do
	cmp -s "$src/$f" "$work/$f" || cp "$src/$f" "$work/$f"
done
if [[ ! -f $work/node_modules/.package-lock.json || $work/package-lock.json -nt $work/node_modules/.package-lock.json ]]; then
	echo "$name: installing the driver's dependencies into $work" >&2
	(cd "$work" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
fi
cd "$work"
