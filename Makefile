# JSRun: two commands do all the set-up on a fresh machine (Debian 12, as root):
#   make run    installs what is missing (V8 included), builds, runs `jsrun` on the demo script
#   make test   installs what is missing, builds, runs every test
.DEFAULT_GOAL := help
SHELL := /bin/bash

SWIFT ?= swift
SWIFT_FORMAT ?= swift-format
SOURCES := Package.swift Modules Tests Examples Benchmarks/Package.swift Benchmarks/Benchmarks Benchmarks/Sources \
	Fuzz/Package.swift Fuzz/Sources
# Where V8 is (or goes): /usr/local by default (needs root), or a prefix of yours:
#   make test V8_PREFIX=$HOME/.local
V8_PREFIX ?= /usr/local
export PKG_CONFIG_PATH := $(V8_PREFIX)/lib/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))
# Root is needed to install into a folder that is not yours; an installed V8 skips the step.
SUDO := $(shell [ "$$(id -u)" = 0 ] || [ -w "$(V8_PREFIX)" ] || echo sudo)

.PHONY: help deps run test test-asan consumers fuzz fuzz-smoke build release format lint docs clean bench bench-compare

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

deps: ## Install what is missing: libnode's V8 10.2 (scripts/install-v8.sh; V8_PREFIX=DIR)
	@bash scripts/install-v8.sh --check --prefix "$(V8_PREFIX)" 2>/dev/null \
		|| $(SUDO) bash scripts/install-v8.sh --prefix "$(V8_PREFIX)"

run: deps ## Install, build, and run jsrun on Examples/scripts/demo.js
	$(SWIFT) build --product jsrun
	$$($(SWIFT) build --show-bin-path)/jsrun Examples/scripts/demo.js

test: deps ## Install, build everything (examples too), and run every test (and each fuzz target a minute)
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) bash scripts/check-consumers.sh
	$(SWIFT) test --skip-build
	SWIFT=$(SWIFT) bash scripts/fuzz.sh 60

# The conversion module's fuzz targets (Fuzz/): the reader, and the reader-writer round trip,
# side by side on two cores. FUZZ_SECONDS each (or FUZZ_RUNS inputs each, when given).
FUZZ_SECONDS ?= 900
FUZZ_RUNS ?= -1
fuzz: ## Fuzz the reader and the round trip (FUZZ_SECONDS=900 each, side by side; FUZZ_RUNS=N)
	SWIFT=$(SWIFT) bash scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_RUNS)

fuzz-smoke: ## Run each fuzz target for a minute, as make test does
	SWIFT=$(SWIFT) bash scripts/fuzz.sh 60

# AddressSanitizer over Swift and the shim (libnode itself is not instrumented), in a build
# folder of its own. Leak checking is off: V8 keeps process-wide allocations until exit.
test-asan: deps ## Build and run every test under AddressSanitizer (.build-asan)
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan

consumers: deps ## Build throw-away packages that depend on this one, as a user's would
	SWIFT=$(SWIFT) bash scripts/check-consumers.sh

build: deps ## Build everything in debug mode
	$(SWIFT) build

release: deps ## Build everything in release mode
	$(SWIFT) build -c release

format: ## Format all Swift sources in place
	$(SWIFT_FORMAT) format --in-place --parallel --recursive $(SOURCES)

lint: ## Check formatting (strict: any finding fails)
	$(SWIFT_FORMAT) lint --strict --parallel --recursive $(SOURCES)

# The library modules, documented together: one combined archive, $(DOCS_ARCHIVE), whose
# modules link to each other. A link to another module's symbol starts with a slash and the
# module (``/JSRunIsolate/Runtime``); one to a member that this module adds to another's type
# names the type's module without it (``JSRunIsolate/Runtime/bind(_:permission:_:)``).
# Any DocC warning fails. (DocC's --warnings-as-errors would stop at the first module with one,
# before the others are checked or their symbol graphs extracted; the log is searched instead.)
# scripts/check-doc-comments.py then lists the public symbols without a doc comment, from the
# symbol graphs that the plugin extracted, removed first so that none is left from an older run.
DOC_MODULES := JSRunPlatform JSRunConvert JSRunIsolate JSRunOps JSRunLoader JSRun
DOCS_LOG := .build/docs.log
DOCS_ARCHIVE := .build/plugins/Swift-DocC/outputs/JSRun.doccarchive

docs: deps ## Build the DocC documentation (fails on any warning or undocumented public symbol)
	@mkdir -p .build; set -o pipefail; status=0; \
	symbols="$$(dirname "$$($(SWIFT) build --show-bin-path)")/extracted-symbols"; rm -rf "$$symbols"; \
	$(SWIFT) package generate-documentation --enable-experimental-combined-documentation \
		$(addprefix --target ,$(DOC_MODULES)) 2>&1 \
		| sed -u '/^\[[0-9]*\/[0-9]*\]/d' | tee $(DOCS_LOG) || status=1; \
	warnings=$$(grep -oE '(^|[^[:alnum:]_])(warning|error): ' $(DOCS_LOG) | wc -l); \
	echo "make docs: DocC: $$warnings warnings and errors"; [ "$$warnings" = 0 ] || status=1; \
	python3 scripts/check-doc-comments.py --symbol-graphs "$$symbols" $(DOC_MODULES) || status=1; \
	if [ $$status = 0 ]; then echo "make docs: no warnings, every public symbol documented; to read it:" \
		"python3 -m http.server -d $(DOCS_ARCHIVE), then open /documentation/jsrun"; \
	else echo "make docs: failed (the DocC log is in $(DOCS_LOG))"; fi; \
	exit $$status

# SwiftPM keeps the Benchmarks package's build plan, file lists of the SDK included, in these
# files: a source file added to the SDK since is missing from it until they are removed.
BENCH_PLANS := Benchmarks/.build/release.yaml Benchmarks/.build/debug.yaml

bench: deps ## Run the benchmarks (Benchmarks/, package-benchmark)
	rm -f $(BENCH_PLANS)
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark

bench-compare: deps ## Print JSRun's figures beside the reference jsrun 0.3.0 and mini-racer
	rm -f $(BENCH_PLANS)
	bash Benchmarks/compare.sh

clean: ## Remove build products
	rm -rf .build Benchmarks/.build Fuzz/.build
