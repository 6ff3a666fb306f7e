#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
#
# SPDX-License-Identifier: Apache-2.0

# Generates deepcopy, conversion and defaulting code for the providerConfig API with k8s code-generator binaries
# built from Go modules (make generate builds them into bin/tools). Usage: hack/generate.sh TOOLS_BIN_DIR
set -euo pipefail

tools_bin="$1"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

module="github.com/gardener-community/gardener-extension-acl"
boilerplate="hack/boilerplate.go.txt"
api_packages=("${module}/pkg/apis/acl" "${module}/pkg/apis/acl/v1alpha1")
versioned_packages=("${module}/pkg/apis/acl/v1alpha1")

echo "[generate] deepcopy" >&2
"${tools_bin}/deepcopy-gen" --go-header-file "${boilerplate}" --output-file zz_generated.deepcopy.go "${api_packages[@]}"
echo "[generate] defaults" >&2
"${tools_bin}/defaulter-gen" --go-header-file "${boilerplate}" --output-file zz_generated.defaults.go "${versioned_packages[@]}"
echo "[generate] conversion" >&2
"${tools_bin}/conversion-gen" --go-header-file "${boilerplate}" --output-file zz_generated.conversion.go "${versioned_packages[@]}"

# Generated files follow the project's import grouping, so that make check holds for them too.
echo "[generate] goimports" >&2
find pkg/apis -name 'zz_generated.*.go' -print0 | xargs -0 "${tools_bin}/goimports" -local "${module}" -w

echo "[generate] registration examples from charts/" >&2
go run ./hack/generate-registration --version-file VERSION --out-dir example
