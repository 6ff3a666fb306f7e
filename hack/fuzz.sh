#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
#
# SPDX-License-Identifier: Apache-2.0

# Runs every Go fuzz target of the module with a bounded budget each. Usage: hack/fuzz.sh BUDGET, where BUDGET is a
# duration (10m) or a number of executions (50000x), as `go test -fuzztime` takes it.
# New crashers land in the package's testdata/fuzz directory, where `go test` replays them from then on.
set -euo pipefail

budget="${1:-50000x}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

found=0
while read -r package; do
  for target in $(go test -list '^Fuzz' "${package}" | grep '^Fuzz' || true); do
    found=$((found + 1))
    echo "[fuzz] ${package} ${target} for ${budget}"
    corpus="$(go list -f '{{.Dir}}' "${package}")/testdata/fuzz/${target}"
    before="$(ls "${corpus}" 2>/dev/null | wc -l)"
    log="$(mktemp)"
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "${budget}" "${package}" 2>&1 | tee "${log}"; then
      # go1.26 may fail a time-bounded run at its deadline without any finding (golang/go#75804). A real finding
      # always leaves a new input in the corpus, so only that fails the run.
      after="$(ls "${corpus}" 2>/dev/null | wc -l)"
      if [[ "${after}" == "${before}" ]] && grep -q '^    context deadline exceeded$' "${log}"; then
        echo "[fuzz] ${target}: deadline error of the Go toolchain without a new corpus entry (golang/go#75804), not a finding"
      else
        rm -f "${log}"
        exit 1
      fi
    fi
    rm -f "${log}"
  done
done < <(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./pkg/... ./cmd/... | grep -v '^$')

echo "[fuzz] ran ${found} fuzz targets for ${budget} each"
