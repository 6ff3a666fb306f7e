#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
#
# SPDX-License-Identifier: Apache-2.0

# Runs issue #16's end-to-end benchmarks, admission (an AdmissionReview through controller-runtime's
# admission.Webhook.ServeHTTP to the verdict; with the floor, the same around a handler that allows at once) and rendering (providerConfig bytes to ManagedResource data), and prints
# their medians next to the existing ACL extension's figures in hack/bench-reference.tsv, with the ratio and whether
# the target is met. Rendering is shown twice: the shoot's own ManagedResource (the actuator), and a rule change as a
# whole, which on the no-drain layout also re-renders the gateway's shared ManagedResource (the gateway reconciler);
# the existing extension renders everything into the shoot's ManagedResource, so the second row is the comparison. Usage: hack/bench.sh [COUNT], COUNT runs of each benchmark (default 5); the machine
# should be otherwise idle. docs/performance.md explains the reference figures and how they were measured.
set -euo pipefail

count="${1:-5}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

results="$(mktemp)"
trap 'rm -f "${results}"' EXIT
# Interleaved runs (-count on the command line would run each sub-benchmark COUNT times in a row) spread any
# disturbance from the rest of the machine over all sizes alike.
for run in $(seq "${count}"); do
  echo "[bench] run ${run} of ${count}" >&2
  go test -run '^$' -bench 'ServeHTTP(Floor)?$' -benchmem -count=1 ./pkg/admission/validator/ | grep '^Benchmark' >>"${results}"
  go test -run '^$' -bench 'Render(Shared)?ManagedResourceData$' -benchmem -count=1 ./pkg/controller/ | grep '^Benchmark' >>"${results}"
done

awk -v reference="hack/bench-reference.tsv" '
  function median(list,    n, values, i, j, t) {
    n = split(list, values, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (values[j] + 0 < values[i] + 0) { t = values[i]; values[i] = values[j]; values[j] = t }
    return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
  }
  function human(ns) { return ns >= 1e6 ? sprintf("%.2f ms", ns / 1e6) : sprintf("%.0f µs", ns / 1e3) }
  function mib(bytes) { return sprintf("%.2f MiB", bytes / 1048576) }
  BEGIN {
    FS = "\t"
    while ((getline line < reference) > 0) {
      if (line ~ /^#/ || line == "") continue
      split(line, f, "\t")
      key = f[1] "/" f[2]; keys[++nkeys] = key
      measure[key] = f[1]; entries[key] = f[2]; refns[key] = f[3]; refbytes[key] = f[4]; target[key] = f[5]
    }
    FS = " "
  }
  /^Benchmark/ {
    name = $1; sub(/-[0-9]+$/, "", name)
    split(name, parts, "/"); sub(/^entries=/, "", parts[2])
    m = parts[1] == "BenchmarkServeHTTP" ? "admission" : parts[1] == "BenchmarkServeHTTPFloor" ? "floor" : parts[1] == "BenchmarkRenderManagedResourceData" ? "render" : "shared"
    key = m "/" parts[2]
    for (i = 2; i <= NF; i++) {
      if ($(i + 1) == "ns/op") ns[key] = ns[key] " " $i
      if ($(i + 1) == "B/op") by[key] = by[key] " " $i
    }
  }
  function row(label, key, ours, oursBytes, checked,    ratio, met, bytesNote) {
    ratio = refns[key] / ours
    met = ratio >= target[key] ? "met" : "NOT MET"
    bytesNote = ""
    if (refbytes[key] != "-") {
      bytesNote = mib(refbytes[key]) " → " mib(oursBytes)
      if (entries[key] >= 1000 && oursBytes >= refbytes[key]) { bytesNote = bytesNote " (NOT fewer)"; if (checked) failed = 1 }
    }
    if (checked && ratio < target[key]) failed = 1
    printf "%-22s %7s %12s %12s %7.2f× %7s×   %-7s %s\n", label, entries[key], human(refns[key]), human(ours), ratio, target[key], checked ? met : "-", bytesNote
  }
  END {
    printf "%-22s %7s %12s %12s %8s %8s   %-7s %s\n", "measure", "entries", "existing", "ours", "ratio", "target", "", "bytes/op existing → ours"
    for (k = 1; k <= nkeys; k++) {
      key = keys[k]
      if (!(key in ns)) { printf "%-22s %7s   no result\n", measure[key], entries[key]; failed = 1; continue }
      if (measure[key] == "admission") {
        row("admission", key, median(ns[key]), median(by[key]), 1)
        floor = "floor/" entries[key]
        if (floor in ns) printf "%-22s %7s %12s %12s %7.2f×   (ServeHTTP around a handler that allows at once: the best ratio any handler can reach)\n", "  ServeHTTP floor", entries[key], "", human(median(ns[floor])), refns[key] / median(ns[floor])
        continue
      }
      shared = "shared/" entries[key]
      row("render: shoot only", key, median(ns[key]), "", 0)
      if (!(shared in ns)) { printf "%-22s %7s   no result\n", "render: rule change", entries[key]; failed = 1; continue }
      row("render: rule change", key, median(ns[key]) + median(ns[shared]), "", 1)
    }
    exit failed
  }
' "${results}"
