# mcpls: build, test and benchmark entry points.
#
#   make demo    build and show what mcpls does on examples/
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
NPX := $(CURDIR)/node_modules/.bin
FUZZTIME ?= 30s
# Our Go packages: ./... minus node_modules, where npm packages may ship Go
# code of their own (flatted does).
GO_PACKAGES = $(shell $(GO) list -e ./... | grep -v '/node_modules/')

.PHONY: build demo demo-check test check deps deps-nvim fmt-check vet staticcheck go-test \
	ts-build ts-check ext-test test-nvim bench bench-go bench-lsp fuzz clean

## build: the server binary bin/mcpls
build:
	$(GO) build -o bin/mcpls ./server

## demo: what mcpls does on the example configs (issue 3 replaces this with the demo server)
demo: build demo-check

DEMO_CONFIGS = $(sort $(shell find examples -name '*.json' -not -path '*/node_modules/*'))

# mcpls check exits 1 when a file has errors: the examples may show some on
# purpose, so only a usage error (2) or a crash fails the demo.
demo-check:
	@if [ -z "$(DEMO_CONFIGS)" ]; then echo "no example configs under examples/" >&2; exit 1; fi
	bin/mcpls check $(DEMO_CONFIGS) || [ $$? -eq 1 ]

## test: everything CI runs
test: deps check test-nvim

## check: static checks, the extension bundle and unit tests, Go and TypeScript
check: fmt-check vet staticcheck ts-check ts-build go-test ext-test

## deps: install what the tests need; fast when everything is there
deps: deps-nvim $(NODE_DEPS) $(STATICCHECK)

deps-nvim:
	@bash scripts/deps-nvim.sh

$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(STATICCHECK):
	GOBIN=$(dir $@) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

fmt-check:
	@out=$$(find . -name '*.go' -not -path './node_modules/*' -not -path './.cache/*' -print0 | xargs -0 gofmt -l); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(GO_PACKAGES)

staticcheck: $(STATICCHECK)
	$(STATICCHECK) $(GO_PACKAGES)

go-test:
	$(GO) test -race $(GO_PACKAGES)

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

## bench: Go benchmarks, then the LSP-level benchmark beside vscode-json-language-server
bench: bench-go bench-lsp

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem $(GO_PACKAGES)

bench-lsp: build
	bash test/lspbench/run.sh

## fuzz: every fuzz target for FUZZTIME each (default 30s)
fuzz:
	FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

clean:
	rm -rf bin out dist
