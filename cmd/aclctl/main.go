// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Command aclctl validates, compiles and explains ACL extension rules offline.
package main

import (
	"os"

	"github.com/gardener-community/gardener-extension-acl/cmd/aclctl/app"
)

func main() {
	os.Exit(app.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
