// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package cmdutil builds the commands of the extension's long-running binaries the way gardener's components do, and
// holds the options both binaries share.
package cmdutil

import (
	"errors"
	"fmt"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/gardener-community/gardener-extension-acl/pkg/version"
)

// Options are the command line options of a binary: flags to add, completed before the binary runs.
type Options interface {
	// AddFlags adds the options' flags.
	AddFlags(*pflag.FlagSet)
	// Complete validates the flags and derives the configuration.
	Complete() error
}

// NewCommand returns a command that completes the options and then runs the binary. --version prints the version
// stamped in by make build (pkg/version), not the version of the Kubernetes libraries. A command line that does not
// parse is a usage error (see Execute).
func NewCommand(name, short string, options Options, run func() error) *cobra.Command {
	command := &cobra.Command{
		Use:     name,
		Short:   short,
		Version: version.String(),
		Args: func(command *cobra.Command, args []string) error {
			if err := cobra.NoArgs(command, args); err != nil {
				return &UsageError{Err: err}
			}
			return nil
		},
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(*cobra.Command, []string) error {
			if err := options.Complete(); err != nil {
				return fmt.Errorf("failed to complete options: %w", err)
			}
			return run()
		},
	}
	command.SetVersionTemplate("{{.Name}} {{.Version}}\n")
	// cobra adds the process's global flags to every command; a binary that links k8s.io/component-base's verflag (as
	// the Kubernetes and gardener libraries in the tests do) has a global --version of another type, on which cobra's
	// own version handling fails. A local flag of the command wins over the global one.
	command.Flags().Bool("version", false, "Print the version and exit.")
	command.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &UsageError{Err: err}
	})
	options.AddFlags(command.Flags())
	return command
}

// UsageError is a command line that does not parse: an unknown flag, a flag value of the wrong type, an argument.
type UsageError struct {
	// Err says what is wrong.
	Err error
}

// Error returns the message of the underlying error.
func (e *UsageError) Error() string {
	return e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *UsageError) Unwrap() error {
	return e.Err
}

// Exit codes of Execute.
const (
	// ExitFailed means the binary ran and failed.
	ExitFailed = 1
	// ExitUsage means the command line was wrong; nothing was started.
	ExitUsage = 2
)

// Execute runs a command of NewCommand and returns the process exit code. A usage error is printed to the command's
// standard error with the usage, as command line tools do, and returns ExitUsage; any other error is logged with
// log, the logger the binary logs with, and returns ExitFailed.
func Execute(command *cobra.Command, log logr.Logger) int {
	err := command.Execute()
	if err == nil {
		return 0
	}
	if usageError := (*UsageError)(nil); errors.As(err, &usageError) {
		fmt.Fprintf(command.ErrOrStderr(), "Error: %v\n\n%s", err, command.UsageString())
		return ExitUsage
	}
	log.Error(err, "Error executing the command")
	return ExitFailed
}

// StartLogging makes logger the logger of controller-runtime and logs the start of the named binary with its version.
func StartLogging(logger logr.Logger, name string) logr.Logger {
	logf.SetLogger(logger)
	log := logger.WithName(name)
	log.Info("Starting", "version", version.String())
	return log
}
