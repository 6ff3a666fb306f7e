#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
#
# SPDX-License-Identifier: Apache-2.0

# Builds a real kube-apiserver and etcd from Go modules (no binary downloads) into a git-ignored cache keyed by
# version, and prints the directory to use as KUBEBUILDER_ASSETS on stdout. Progress goes to stderr, because the
# first build takes several minutes on a small machine and a person must see that it is working.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="${repo_root}/hack/tools/envtest"

module_version() {
  (cd "${tools_dir}" && go list -m -f '{{.Version}}' "$1")
}

k8s_version="$(module_version k8s.io/kubernetes)"
etcd_version="$(module_version go.etcd.io/etcd/server/v3)"
assets_dir="${ENVTEST_ASSETS_CACHE:-${repo_root}/bin/envtest}/k8s-${k8s_version}-etcd-${etcd_version}"

log() { echo "[prepare-envtest] $*" >&2; }

# build_with_progress OUTPUT PACKAGE [go build flags...]: builds PACKAGE into OUTPUT, printing a heartbeat while the
# compiler runs so that a cold build never looks hung.
build_with_progress() {
  local output="$1" package="$2"
  shift 2
  local started=${SECONDS} log_file
  log_file="$(mktemp)"
  log "building ${package} -> ${output} (cold builds take several minutes)"
  (cd "${tools_dir}" && go build -v -o "${output}.tmp" "$@" "${package}") >"${log_file}" 2>&1 &
  local pid=$!
  while kill -0 "${pid}" 2>/dev/null; do
    sleep 15
    if kill -0 "${pid}" 2>/dev/null; then
      log "  still building ${package##*/}: $((SECONDS - started))s, $(wc -l <"${log_file}") packages compiled"
    fi
  done
  if ! wait "${pid}"; then
    log "building ${package} failed:"
    tail -n 50 "${log_file}" >&2
    rm -f "${log_file}" "${output}.tmp"
    return 1
  fi
  rm -f "${log_file}"
  mv "${output}.tmp" "${output}"
  log "built ${output##*/} in $((SECONDS - started))s"
}

mkdir -p "${assets_dir}"

if [[ -x "${assets_dir}/kube-apiserver" ]]; then
  log "kube-apiserver ${k8s_version} already built in ${assets_dir}"
else
  minor="${k8s_version#v1.}"
  minor="${minor%%.*}"
  build_with_progress "${assets_dir}/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver \
    -ldflags "-X k8s.io/component-base/version.gitVersion=${k8s_version} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor} -X k8s.io/component-base/version.gitTreeState=clean"
fi

if [[ -x "${assets_dir}/etcd" ]]; then
  log "etcd ${etcd_version} already built in ${assets_dir}"
else
  build_with_progress "${assets_dir}/etcd" go.etcd.io/etcd/server/v3 \
    -ldflags "-X go.etcd.io/etcd/api/v3/version.GitSHA=${etcd_version}"
fi

echo "${assets_dir}"
