// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"fmt"
	"os"
	"path/filepath"
)

// AssetsEnvVar names the variable that points at the directory holding the kube-apiserver and etcd binaries.
const AssetsEnvVar = "KUBEBUILDER_ASSETS"

// CheckAssets fails early with an actionable message when the binaries built by hack/prepare-envtest.sh are missing,
// instead of letting envtest try (and fail) to download them.
func CheckAssets() error {
	dir := os.Getenv(AssetsEnvVar)
	if dir == "" {
		return fmt.Errorf("%s is not set: run the tests with 'make test' (or export %s=$(hack/prepare-envtest.sh))", AssetsEnvVar, AssetsEnvVar)
	}
	for _, binary := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, binary)); err != nil { // #nosec G703 -- the test's own asset directory
			return fmt.Errorf("failed to find %s in %s=%s (build it with hack/prepare-envtest.sh): %w", binary, AssetsEnvVar, dir, err)
		}
	}
	return nil
}
