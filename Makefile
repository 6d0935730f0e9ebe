# mcpls: build, test and benchmark entry points.
#
#   make demo    build, start the demo MCP server, list it and run examples/demo/.mcp.json
#   make test    everything CI runs (.ci/run calls it); installs what it needs first
#   make check   gofmt, vet, staticcheck, tsc, eslint and the unit tests
#
# Everything that gets installed goes under .cache/ (tools) or node_modules/,
# except Neovim, which comes from Debian (apt-get, as root).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

GO ?= go
CACHE := $(CURDIR)/.cache
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(CACHE)/staticcheck-$(STATICCHECK_VERSION)/staticcheck
NODE_DEPS := node_modules/.package-lock.json
# Real MCP peers of the Go tests and benchmarks, each an npm package.json of its own.
PEER_DIRS := test/interop test/mcpbench
PEER_DEPS := $(foreach d,$(PEER_DIRS),$(if $(wildcard $(d)/package.json),$(d)/node_modules/.package-lock.json))
NPX := $(CURDIR)/node_modules/.bin
FUZZTIME ?= 30s
# Our Go packages: ./... minus node_modules, where npm packages may ship Go
# code of their own (flatted does).
GO_PACKAGES = $(shell $(GO) list -e ./... | grep -v '/node_modules/')

.PHONY: build demo lint-examples conformance vsix e2e test check deps deps-nvim fmt-check vet staticcheck go-test \
	ts-build ts-check ext-test test-nvim bench bench-go bench-lsp bench-schema bench-mcp fuzz clean

## build: the server binary bin/mcpls
build:
	$(GO) build -o bin/mcpls ./server

## demo: build, start the demo MCP server, print its catalog and run the saved requests of examples/demo
demo: build
	GO=$(GO) bash scripts/demo.sh

## lint-examples: mcpls check on every example config (examples/broken has errors on purpose)
lint-examples: build
	bin/mcpls check examples/claude examples/vscode examples/cursor examples/demo
	bin/mcpls check examples/broken || [ $$? -eq 1 ]

## test: everything CI runs
test: deps check lint-examples test-nvim conformance e2e

## vsix: dist/mcpls-<version>.vsix (the extension bundle and bin/mcpls)
vsix: build $(NODE_DEPS)
	bash extension/vsix.sh

## e2e: the extension in a real VS Code (code-server + Chromium); screenshots in .cache/e2e/shots
e2e: vsix
	bash test/e2e/run.sh

## conformance: the official MCP client conformance suite (every client scenario) against bin/mcpls
conformance: build
	ALL=1 STRICT=1 bash test/conformance/run.sh

## check: static checks, the extension bundle and unit tests, Go and TypeScript
check: fmt-check vet staticcheck ts-check ts-build go-test ext-test

## deps: install what the tests need; fast when everything is there
deps: deps-nvim $(NODE_DEPS) $(PEER_DEPS) $(STATICCHECK)

deps-nvim:
	@bash scripts/deps-nvim.sh

$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# test/<dir>/node_modules for test/<dir>/package.json (npm ci --prefix).
%/node_modules/.package-lock.json: %/package.json %/package-lock.json
	npm ci --prefix $* --no-audit --no-fund
	@touch $@

$(STATICCHECK):
	GOBIN=$(dir $@) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

fmt-check:
	@out=$$(find . -name '*.go' -not -path '*/node_modules/*' -not -path './.cache/*' -print0 | xargs -0 gofmt -l); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(GO_PACKAGES)

staticcheck: $(STATICCHECK)
	$(STATICCHECK) $(GO_PACKAGES)

go-test: $(PEER_DEPS)
	$(GO) test -race -timeout 5m $(GO_PACKAGES)

ts-build: $(NODE_DEPS)
	node extension/build.mjs

ts-check: $(NODE_DEPS)
	$(NPX)/tsc --noEmit -p .
	$(NPX)/eslint --max-warnings 0 .

ext-test: $(NODE_DEPS)
	node extension/build.mjs --tests
	node --test out/test/

## test-nvim: the language server in a real Neovim 0.7 (Debian), headless
test-nvim: deps-nvim build
	bash test/nvim/run.sh

## bench: Go benchmarks, the LSP benchmark beside vscode-json-language-server,
## and the MCP client benchmark beside raw net/http and the TypeScript SDK;
## every part runs even when an earlier one misses a target
BENCHES := bench-go bench-lsp bench-schema bench-mcp
bench:
	@status=0; for b in $(BENCHES); do $(MAKE) --no-print-directory $$b || status=1; done; exit $$status

bench-go: $(PEER_DEPS)
	$(GO) test -run '^$$' -bench . -benchmem $(GO_PACKAGES)

bench-lsp: build
	bash test/lspbench/run.sh

## bench-schema: 2,000 requests validated against 500 tool schemas served by a real MCP server
bench-schema: build
	bash test/lspbench/schema.sh

bench-mcp: $(PEER_DEPS)
	bash test/mcpbench/run.sh

## fuzz: every fuzz target for FUZZTIME each (default 30s)
fuzz:
	FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

clean:
	rm -rf bin out dist
