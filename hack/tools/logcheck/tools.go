//go:build tools

// Package logcheck pins the version of Kubernetes' logcheck (sigs.k8s.io/logtools) that make check builds from Go
// modules. Gardener lints with its own logcheck plugin (hack/tools/logcheck in gardener's repository), which is not
// published as a module; the upstream analyzer it derives from checks the same structured-logging rules: key/value
// pairs, key names, V() levels.
package logcheck

import (
	_ "sigs.k8s.io/logtools/logcheck"
)
