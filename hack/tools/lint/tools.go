//go:build tools

// Package lint pins the version of golangci-lint that make check builds from Go modules. It is a module of its own
// because its dependencies would otherwise drag the versions of the code generators along.
package lint

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
)
