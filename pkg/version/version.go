// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package version holds the build version that `make build` stamps into every binary.
package version

var (
	// Version is the release version, set through -ldflags at build time.
	Version = "v0.0.0-dev"
	// GitCommit is the commit the binary was built from, set through -ldflags at build time.
	GitCommit = "unknown"
)

// String returns the version in the form printed by every binary's --version flag.
func String() string {
	return Version + " (" + GitCommit + ")"
}
