// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Command gardener-extension-acl is the seed controller of the ACL extension.
package main

import (
	"os"

	"github.com/gardener/gardener/pkg/logger"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager/signals"

	"github.com/gardener-community/gardener-extension-acl/cmd/gardener-extension-acl/app"
	"github.com/gardener-community/gardener-extension-acl/pkg/cmdutil"
)

func main() {
	logf.SetLogger(logger.MustNewZapLogger(logger.InfoLevel, logger.FormatJSON))

	os.Exit(cmdutil.Execute(app.NewControllerCommand(signals.SetupSignalHandler()), logf.Log))
}
