# Prana: the auth and pdf services. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
# The code generators are pinned in tools/go.mod, outside the workspace.
TOOL     := GOWORK=off $(GO) tool -modfile=$(CURDIR)/tools/go.mod
PKGS     := ./auth/... ./pdf/... ./shared/... ./sql/... ./testkit/... ./devstack/... ./cli/...

.PHONY: help
help: ## Show this help.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

.PHONY: run
run: ## Start the whole system locally (PostgreSQL, S3+SQS emulator, auth, pdf, worker).
	$(GO) run ./devstack/cmd/prana-dev

.PHONY: test
test: test-deps ## Run every test (starts its own PostgreSQL and emulator).
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

# The fallback fonts of the profile PDF, as package:file, from pdf/fonts.txt.
FONT_DEPS = $(shell awk 'NF == 2 && $$1 ~ /^fonts-/ {print $$1 ":" $$2}' pdf/fonts.txt)

.PHONY: test-deps
test-deps: ## Install the system packages the tests use, when missing.
	@scripts/ensure-packages poppler-utils:pdftotext chromium:chromium $(FONT_DEPS)

# The images, built and run with podman (no Docker engine on these
# machines; scripts/container-setup installs podman when missing).
IMAGES_OUT := .data/images

.PHONY: images
images: ## Build the auth, pdf and worker images with podman; archives, SBOMs, sizes in .data/images.
	@scripts/container-setup
	scripts/build-images $(IMAGES_OUT)

.PHONY: test-containers
test-containers: test-deps images ## Build the images and run them with podman, alone and through docker-compose.yml.
	scripts/standin-images
	@rm -f $(IMAGES_OUT)/report.txt
	PRANA_CONTAINER_TEST=1 PRANA_CONTAINER_REPORT=$(CURDIR)/$(IMAGES_OUT)/report.txt \
		$(GO) test -count=1 -timeout 20m ./devstack/containers
	@cat $(IMAGES_OUT)/sizes.txt $(IMAGES_OUT)/report.txt

# Each fuzz target as package:Target (`go test -fuzz` takes one of each at a time).
FUZZ_TARGETS := \
	./auth/internal/adapters/httpapi:FuzzAuthBody \
	./shared/bearer:FuzzAuthorization \
	./shared/jwtverify:FuzzVerify \
	./shared/clientip:FuzzAddr \
	./auth/internal/domain:FuzzDateOfBirth \
	./auth/internal/domain:FuzzName \
	./auth/internal/adapters/argon2hash:FuzzParsePHC \
	./pdf/internal/adapters/sqsqueue:FuzzDecodeTask \
	./pdf/internal/adapters/gopdfrender:FuzzRender \
	./pdf/internal/adapters/gopdfrender/arabicshape:FuzzShape \
	./pdf/internal/adapters/gopdfrender/bidiorder:FuzzVisual

# FUZZTIME is a duration (30s) or a count of runs (3000x). CI gives a count:
# with a duration, Go 1.26's fuzz coordinator can fail a clean run with a bare
# "context deadline exceeded" when the clock runs out while a worker is busy
# (go.dev/issue/75804, fixed in Go 1.27); a count sets no deadline to race.
.PHONY: fuzz
fuzz: ## Fuzz every target for FUZZTIME each (default 30s, or a count like 3000x); `make test` replays their corpora.
	@for t in $(FUZZ_TARGETS); do \
		echo "== $${t#*:} ($${t%%:*}) for $${FUZZTIME:-30s}"; \
		$(GO) test -run='^$$' -fuzz="^$${t#*:}$$" -fuzztime=$${FUZZTIME:-30s} "$${t%%:*}" || exit 1; \
	done

# The packages with Go benchmarks: running the others' test binaries would only start their fixtures.
BENCH_PKGS = $(sort $(patsubst %/,./%,$(dir $(shell grep -rl --include='*_test.go' '^func Benchmark' auth pdf shared testkit devstack cli 2>/dev/null))))

.PHONY: bench
bench: test-deps ## Run the Go micro-benchmarks, then measure the running system and write BENCHMARKS.md (~10 min).
	@mkdir -p .data/bench
	$(GO) test -run='^$$' -bench=. -benchmem $(BENCH_PKGS) | tee .data/bench/micro.txt
	BENCH_MICRO=.data/bench/micro.txt $(GO) run ./devstack/cmd/prana-bench

.PHONY: bench-quick
bench-quick: test-deps ## Smoke-test the benchmark harness: one short run per figure (.data/bench/BENCHMARKS-quick.md).
	BENCH_QUICK=1 $(GO) run ./devstack/cmd/prana-bench

.PHONY: soak
soak: ## Mixed traffic against the system for SOAK_DURATION (default 10m); errors, p99s, memory and goroutines.
	$(GO) run ./devstack/cmd/prana-soak

.PHONY: loadtest
loadtest: ## Load-test a running stack with wrk (start `make run` first).
	scripts/loadtest

.PHONY: generate
generate: ## Regenerate the OpenAPI and sqlc code (committed).
	cd tools && GOWORK=off $(GO) tool sqlc generate -f ../sqlc.yaml
	cd shared/apicommon && $(TOOL) oapi-codegen -config oapi-codegen.yaml ../../api/common.yaml
	cd shared/apimodels && $(TOOL) oapi-codegen -config oapi-codegen.yaml ../../api/common.yaml
	cd auth/internal/adapters/httpapi && $(TOOL) oapi-codegen -config oapi-codegen.yaml ../../../../api/auth.yaml
	cd auth/authclient && $(TOOL) oapi-codegen -config oapi-codegen.yaml ../../api/auth.yaml
	cd pdf/internal/adapters/httpapi && $(TOOL) oapi-codegen -config oapi-codegen.yaml ../../../../api/pdf.yaml
	cd pdf/pdfclient && $(TOOL) oapi-codegen -config oapi-codegen.yaml ../../api/pdf.yaml
	cd tools && GOWORK=off $(GO) run ./specbundle ../api/auth.yaml ../auth/internal/adapters/httpapi/openapi.json
	cd tools && GOWORK=off $(GO) run ./specbundle ../api/pdf.yaml ../pdf/internal/adapters/httpapi/openapi.json

.PHONY: verify
verify: generate lint ## Fail if generated code differs from what is committed, or lint fails.
	@if [ -n "$$(git status --porcelain -- api sql auth pdf shared/apicommon shared/apimodels)" ]; then \
		echo "generated code is stale or uncommitted; run 'make generate' and commit:"; \
		git status --porcelain -- api sql auth pdf shared/apicommon shared/apimodels; git diff --stat; exit 1; fi

# golangci-lint is pinned in tools/lint/go.mod, a module of its own: beside
# the generators in tools/go.mod it would raise their dependencies and so
# change what `make generate` writes. `go tool -n` builds it on first use
# (a few minutes; then cached with Go's build cache) and names the binary,
# which runs from the root over the workspace's modules. Its own cache is
# the default user cache (golangci-lint in $$XDG_CACHE_HOME or ~/.cache).
GOLANGCI_LINT = cd tools/lint && GOWORK=off $(GO) tool -n golangci-lint

.PHONY: lint
lint: lint-go lint-rules lint-spec ## gofmt, go vet, golangci-lint (lint-go), the layering rules' own check (lint-rules), the spec lint (lint-spec).

.PHONY: lint-go
lint-go: ## gofmt, go vet, then golangci-lint with .golangci.yml (layering rules and analyzers) over every module.
	@out=$$(gofmt -l auth pdf shared sql testkit devstack cli); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	@lint=$$($(GOLANGCI_LINT)); echo "golangci-lint run $(PKGS)"; "$$lint" run $(PKGS)

# tools/lint/fixture (a module outside the workspace, never built or tested
# with it) breaks each depguard rule once; rulecheck fails unless each rule
# reports there, no allowed import does, and every adapter has its rule.
.PHONY: lint-rules
lint-rules: ## Prove the layering rules bite: lint tools/lint/fixture, which breaks each rule once.
	@lint=$$($(GOLANGCI_LINT)); cd tools/lint/fixture && GOWORK=off "$$lint" run --config $(CURDIR)/.golangci.yml \
		--enable-only depguard --issues-exit-code 0 --output.json.path stdout ./... \
		| GOWORK=off $(GO) -C $(CURDIR)/tools/lint run ./rulecheck -root $(CURDIR)

# The spec tooling (Redocly CLI, openapi-typescript, tsc) is pinned in
# api/tooling/package-lock.json; npm ci runs again only when that changes.
# Redocly's telemetry and update checks stay off: no network but npm's.
SPEC_TOOLING := api/tooling
SPEC_ENV     := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npm_config_update_notifier=false

$(SPEC_TOOLING)/node_modules/.package-lock.json: $(SPEC_TOOLING)/package-lock.json $(SPEC_TOOLING)/package.json
	cd $(SPEC_TOOLING) && npm ci --no-audit --no-fund

.PHONY: lint-spec
lint-spec: $(SPEC_TOOLING)/node_modules/.package-lock.json ## Lint the OpenAPI specs; type-check TypeScript clients generated from them.
	cd $(SPEC_TOOLING) && $(SPEC_ENV) npm run --silent check
