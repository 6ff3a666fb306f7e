# SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
#
# SPDX-License-Identifier: Apache-2.0

SHELL := /usr/bin/env bash -o pipefail

REPO_ROOT     := $(shell pwd)
BIN_DIR       := $(REPO_ROOT)/bin
TOOLS_BIN_DIR := $(BIN_DIR)/tools
MODULE        := github.com/gardener-community/gardener-extension-acl
VERSION       ?= $(shell cat VERSION 2>/dev/null || echo v0.0.0-dev)
GIT_COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# Every binary's --version prints pkg/version.
LD_FLAGS      := -X $(MODULE)/pkg/version.Version=$(VERSION) -X $(MODULE)/pkg/version.GitCommit=$(GIT_COMMIT)

# Packages that need the real API servers live under test/; everything else is a unit test.
UNIT_PACKAGES        := ./cmd/... ./pkg/... ./charts/... ./example/... ./hack/generate-registration/...
INTEGRATION_PACKAGES := ./test/...
# Short fuzz runs keep the fuzzers honest in every test run; run `make fuzz FUZZ_TIME=10m` for a longer session.
# The short run is bounded by executions, not time: go1.26 can fail a time-bounded run with a spurious "context
# deadline exceeded" when the deadline meets a busy worker (golang/go#75804), which failed CI once.
FUZZ_SHORT_EXECS ?= 50000x
FUZZ_TIME        ?= 10m
# Runs of each end-to-end benchmark that make bench takes the median of.
BENCH_COUNT      ?= 5

GOIMPORTS      := $(TOOLS_BIN_DIR)/goimports
DEEPCOPY_GEN   := $(TOOLS_BIN_DIR)/deepcopy-gen
CONVERSION_GEN := $(TOOLS_BIN_DIR)/conversion-gen
DEFAULTER_GEN  := $(TOOLS_BIN_DIR)/defaulter-gen
GOLANGCI_LINT  := $(TOOLS_BIN_DIR)/golangci-lint
LOGCHECK       := $(TOOLS_BIN_DIR)/logcheck

.PHONY: all
all: check build test

#########################################
# Build                                 #
#########################################

.PHONY: build
build:
	@mkdir -p $(BIN_DIR)
	go build -ldflags "$(LD_FLAGS)" -o $(BIN_DIR)/ ./cmd/...

#########################################
# Tests                                 #
#########################################

.PHONY: envtest-assets
envtest-assets:
	@hack/prepare-envtest.sh >/dev/null

.PHONY: test
test: build test-unit test-pilot fuzz-short test-integration

.PHONY: test-unit
# The semantics suites of pkg/envoyfilter evaluate every request against the 64 slot filters of a shared listener;
# under the race detector on two cores they take minutes, more than go test's default limit of 10 per package allows
# for safely.
test-unit:
	go test -race -count=1 -timeout 30m $(UNIT_PACKAGES)

# test/pilot is a nested module: istio's pilot generates what a seed's ingress gateways receive, offline.
.PHONY: test-pilot
test-pilot:
	cd test/pilot && go test -count=1 ./...

.PHONY: test-integration
test-integration: envtest-assets
	KUBEBUILDER_ASSETS="$$(hack/prepare-envtest.sh 2>/dev/null)" go test -count=1 -timeout 30m $(INTEGRATION_PACKAGES)

.PHONY: fuzz-short
fuzz-short:
	@hack/fuzz.sh $(FUZZ_SHORT_EXECS)

.PHONY: fuzz
fuzz:
	@hack/fuzz.sh $(FUZZ_TIME)

# Issue #16's end-to-end measures next to the existing ACL extension's figures (hack/bench-reference.tsv), with ratios.
.PHONY: bench
bench:
	@hack/bench.sh $(BENCH_COUNT)

# Every benchmark of the unit packages, once.
.PHONY: bench-all
bench-all:
	go test -run '^$$' -bench . -benchmem -count=1 $(UNIT_PACKAGES)

# Benchmarks that need the real API servers (e.g. reconcile throughput of the seed controller).
.PHONY: bench-integration
bench-integration: envtest-assets
	KUBEBUILDER_ASSETS="$$(hack/prepare-envtest.sh 2>/dev/null)" go test -run '^$$' -bench . -benchtime=2x ./test/bench/...

#########################################
# Code generation and checks            #
#########################################

$(GOIMPORTS) $(DEEPCOPY_GEN) $(CONVERSION_GEN) $(DEFAULTER_GEN): hack/tools/dev/go.mod
	@mkdir -p $(TOOLS_BIN_DIR)
	cd hack/tools/dev && go build -o $(TOOLS_BIN_DIR)/ golang.org/x/tools/cmd/goimports k8s.io/code-generator/cmd/deepcopy-gen k8s.io/code-generator/cmd/conversion-gen k8s.io/code-generator/cmd/defaulter-gen

$(GOLANGCI_LINT): hack/tools/lint/go.mod
	@mkdir -p $(TOOLS_BIN_DIR)
	@echo "Building golangci-lint from Go modules (once; cached in $(TOOLS_BIN_DIR))"
	cd hack/tools/lint && go build -o $(TOOLS_BIN_DIR)/ github.com/golangci/golangci-lint/v2/cmd/golangci-lint

$(LOGCHECK): hack/tools/logcheck/go.mod
	@mkdir -p $(TOOLS_BIN_DIR)
	cd hack/tools/logcheck && go build -o $(TOOLS_BIN_DIR)/ sigs.k8s.io/logtools/logcheck

.PHONY: generate
generate: $(DEEPCOPY_GEN) $(CONVERSION_GEN) $(DEFAULTER_GEN) $(GOIMPORTS)
	@hack/generate.sh $(TOOLS_BIN_DIR)

.PHONY: check
check: $(GOIMPORTS) $(GOLANGCI_LINT) $(LOGCHECK) verify-generate
	@hack/check.sh $(GOIMPORTS) $(GOLANGCI_LINT) $(LOGCHECK)

# Generated code and manifests are committed; this fails when they differ from what the generators produce now.
GENERATED := ':(glob)pkg/apis/**/zz_generated.*.go' example/controller-registration.yaml example/operator-extension.yaml
.PHONY: verify-generate
verify-generate: generate
	@if ! git diff --quiet -- $(GENERATED) || [ -n "$$(git ls-files --others --exclude-standard $(GENERATED))" ]; then \
		echo "Generated code or manifests are out of date: run 'make generate' and commit the result." >&2; git status --short pkg/apis example >&2; exit 1; fi

# Runs the whole extension on this machine; DEMO_KEEP=1 keeps it running and prints a kubeconfig.
.PHONY: demo
demo: envtest-assets
	@mkdir -p $(BIN_DIR)/demo
	@echo "Building and starting the demo (component logs go to bin/demo/components.log)"
	@KUBEBUILDER_ASSETS="$$(hack/prepare-envtest.sh 2>/dev/null)" go run ./test/demo/cmd 2>$(BIN_DIR)/demo/components.log \
		|| { echo "The demo failed; the last component logs:" >&2; tail -n 20 $(BIN_DIR)/demo/components.log >&2; exit 1; }

.PHONY: clean
clean:
	rm -rf $(BIN_DIR)
	go clean -testcache
