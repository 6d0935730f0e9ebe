#!/usr/bin/env bash
# Runs every Go fuzz target in the module for FUZZTIME (default 30s) each.
# Targets are found with `go test -list`, so a new Fuzz function needs no edit here.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-30s}
ran=0
for pkg in $(go list ./... | grep -v '/node_modules/'); do
	targets=$(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)
	for target in $targets; do
		echo "== $pkg $target ($fuzztime)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
		ran=$((ran + 1))
	done
done
if [[ $ran -eq 0 ]]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi
echo "fuzz: $ran targets ran for $fuzztime each"
