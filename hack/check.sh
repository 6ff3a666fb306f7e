#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
#
# SPDX-License-Identifier: Apache-2.0

# Fails when go.mod/go.sum are not tidy, a Go file is not gofmt/goimports clean, or go vet, golangci-lint
# (.golangci.yaml) or logcheck finds a problem.
# Usage: hack/check.sh GOIMPORTS_BINARY GOLANGCI_LINT_BINARY LOGCHECK_BINARY
set -euo pipefail

goimports="$1"
golangci_lint="$2"
logcheck="$3"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"
failed=0

if ! go mod tidy -diff >&2; then
  echo "go.mod or go.sum are not tidy (run go mod tidy)" >&2
  failed=1
fi
# test/pilot is a nested module (istio's pilot needs newer istio modules than gardener pins); gofmt and
# goimports below cover its files, go vet and tidiness are checked in the module, golangci-lint does not run there.
if ! (cd test/pilot && go mod tidy -diff) >&2; then
  echo "test/pilot/go.mod or go.sum are not tidy (run go mod tidy in test/pilot)" >&2
  failed=1
fi

mapfile -t go_files < <(git ls-files --cached --others --exclude-standard '*.go')

unformatted="$(gofmt -s -l "${go_files[@]}")"
if [[ -n "${unformatted}" ]]; then
  echo "These files are not gofmt -s clean (run gofmt -s -w):" >&2
  echo "${unformatted}" >&2
  failed=1
fi

unimported="$("${goimports}" -local github.com/gardener-community/gardener-extension-acl -l "${go_files[@]}")"
if [[ -n "${unimported}" ]]; then
  echo "These files do not follow the import grouping (run ${goimports} -local github.com/gardener-community/gardener-extension-acl -w):" >&2
  echo "${unimported}" >&2
  failed=1
fi

echo "Running go vet" >&2
go vet ./... || failed=1
(cd test/pilot && go vet ./...) || failed=1

echo "Running golangci-lint" >&2
"${golangci_lint}" run --allow-parallel-runners ./... || failed=1

# logcheck's one unconditional rule, that a function takes a context or a logger but not both, contradicts gardener's
# extensions library: its Actuator interface is Reconcile(ctx, log, ex). That finding is left out; every other check
# (key/value parameters, key names, V() levels, deprecated klog calls) applies.
echo "Running logcheck" >&2
findings="$("${logcheck}" ./... 2>&1 | grep -v 'A function should accept either a context or a logger, but not both' || true)"
if [[ -n "${findings}" ]]; then
  echo "${findings}" >&2
  failed=1
fi

exit "${failed}"
