# Prana: the auth and pdf services. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
# The code generators are pinned in tools/go.mod, outside the workspace.
TOOL     := GOWORK=off $(GO) tool -modfile=$(CURDIR)/tools/go.mod
PKGS     := ./auth/... ./pdf/... ./shared/... ./devstack/...
MIGRATIONS_COPY := auth/internal/adapters/postgres/migrations

.PHONY: help
help: ## Show this help.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

.PHONY: run
run: ## Start the whole system locally (PostgreSQL, S3+SQS emulator, auth, pdf, worker).
	$(GO) run ./devstack/cmd/prana-dev

.PHONY: test
test: test-deps ## Run every test (starts its own PostgreSQL and emulator).
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

.PHONY: test-deps
test-deps: ## Install the system packages the tests use, when missing.
	@scripts/ensure-packages poppler-utils:pdftotext chromium:chromium

.PHONY: fuzz
fuzz: ## Fuzz the signup/login body path briefly (FUZZTIME=30s to go longer).
	$(GO) test -run='^$$' -fuzz=FuzzAuthBody -fuzztime=$${FUZZTIME:-15s} ./auth/internal/adapters/httpapi/

.PHONY: bench
bench: ## Run the Go benchmarks.
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

.PHONY: loadtest
loadtest: ## Load-test a running stack with wrk (start `make run` first).
	scripts/loadtest

.PHONY: generate
generate: ## Regenerate the OpenAPI and sqlc code (committed).
	rm -rf $(MIGRATIONS_COPY) && mkdir -p $(MIGRATIONS_COPY) && cp sql/migrations/*.sql $(MIGRATIONS_COPY)/
	cd tools && GOWORK=off $(GO) tool sqlc generate -f ../sqlc.yaml
	cd auth/internal/adapters/httpapi && $(TOOL) oapi-codegen -config oapi-codegen.yaml ../../../../api/auth.yaml
	cd auth/authclient && $(TOOL) oapi-codegen -config oapi-codegen.yaml ../../api/auth.yaml
	cd pdf/internal/adapters/httpapi && $(TOOL) oapi-codegen -config oapi-codegen.yaml ../../../../api/pdf.yaml
	cd pdf/pdfclient && $(TOOL) oapi-codegen -config oapi-codegen.yaml ../../api/pdf.yaml

.PHONY: verify
verify: generate lint ## Fail if generated code differs from what is committed, or lint fails.
	@if [ -n "$$(git status --porcelain -- api sql auth pdf)" ]; then \
		echo "generated code is stale or uncommitted; run 'make generate' and commit:"; \
		git status --porcelain -- api sql auth pdf; git diff --stat; exit 1; fi

.PHONY: lint
lint: ## gofmt and go vet.
	@out=$$(gofmt -l auth pdf shared devstack); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
