// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package cmdutil builds the commands of the extension's long-running binaries the way gardener's components do.
package cmdutil

import (
	"fmt"

	"github.com/go-logr/logr"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/gardener-community/gardener-extension-acl/pkg/version"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/component-base/version/verflag"
)

// Options are the command line options of a binary: flags to add, completed before the binary runs.
type Options interface {
	// AddFlags adds the options' flags.
	AddFlags(*pflag.FlagSet)
	// Complete validates the flags and derives the configuration.
	Complete() error
}

// NewCommand returns a command that completes the options and then runs the binary. --version prints the version
// stamped in by make build.
func NewCommand(name, short string, options Options, run func() error) *cobra.Command {
	command := &cobra.Command{
		Use:           name,
		Short:         short,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(*cobra.Command, []string) error {
			verflag.PrintAndExitIfRequested()
			if err := options.Complete(); err != nil {
				return fmt.Errorf("failed to complete options: %w", err)
			}
			return run()
		},
	}
	verflag.AddFlags(command.Flags())
	options.AddFlags(command.Flags())
	return command
}

// StartLogging makes logger the logger of controller-runtime and logs the start of the named binary with its version.
func StartLogging(logger logr.Logger, name string) logr.Logger {
	logf.SetLogger(logger)
	log := logger.WithName(name)
	log.Info("Starting", "version", version.String())
	return log
}
