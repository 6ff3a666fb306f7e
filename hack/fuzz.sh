#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
#
# SPDX-License-Identifier: Apache-2.0

# Runs every Go fuzz target of the module for a bounded time each. Usage: hack/fuzz.sh DURATION (e.g. 10s, 10m).
# New crashers land in the package's testdata/fuzz directory, where `go test` replays them from then on.
set -euo pipefail

duration="${1:-10s}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

found=0
while read -r package; do
  for target in $(go test -list '^Fuzz' "${package}" | grep '^Fuzz' || true); do
    found=$((found + 1))
    echo "[fuzz] ${package} ${target} for ${duration}"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "${duration}" "${package}"
  done
done < <(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./pkg/... ./cmd/... | grep -v '^$')

echo "[fuzz] ran ${found} fuzz targets for ${duration} each"
