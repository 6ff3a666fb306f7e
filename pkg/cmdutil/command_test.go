// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package cmdutil_test

import (
	"bytes"
	"errors"

	"github.com/go-logr/logr/funcr"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spf13/pflag"

	// Registers a global --version flag of its own type, as the Kubernetes and gardener libraries linked into the
	// tests and the demo do.
	_ "k8s.io/component-base/version/verflag"

	"github.com/gardener-community/gardener-extension-acl/pkg/cmdutil"
)

// options has one flag and records whether it was completed.
type options struct {
	entries   int
	completed bool
}

func (o *options) AddFlags(fs *pflag.FlagSet) {
	fs.IntVar(&o.entries, "max-entries", 10, "entries")
}

func (o *options) Complete() error {
	o.completed = true
	return nil
}

var _ = Describe("Execute", func() {
	var (
		opts           *options
		ran            bool
		runErr         error
		stdout, stderr bytes.Buffer
		logged         []string
	)

	execute := func(args ...string) int {
		command := cmdutil.NewCommand("binary", "does things", opts, func() error {
			ran = true
			return runErr
		})
		command.SetArgs(args)
		command.SetOut(&stdout)
		command.SetErr(&stderr)
		log := funcr.New(func(prefix, args string) { logged = append(logged, args) }, funcr.Options{})
		return cmdutil.Execute(command, log)
	}

	BeforeEach(func() {
		opts, ran, runErr, logged = &options{}, false, nil, nil
		stdout.Reset()
		stderr.Reset()
	})

	It("completes the options and runs the binary", func() {
		Expect(execute("--max-entries=3")).To(Equal(0))
		Expect(opts.completed).To(BeTrue())
		Expect(opts.entries).To(Equal(3))
		Expect(ran).To(BeTrue())
		Expect(logged).To(BeEmpty())
	})

	It("prints the version of pkg/version, not the Kubernetes libraries', also where those define a global --version", func() {
		Expect(pflag.CommandLine.Lookup("version")).NotTo(BeNil(), "verflag's global flag")
		Expect(execute("--version")).To(Equal(0))
		Expect(stdout.String()).To(Equal("binary v0.0.0-dev (unknown)\n"))
		Expect(ran).To(BeFalse())
	})

	DescribeTable("prints a wrong command line with the usage and exits 2",
		func(message string, args ...string) {
			Expect(execute(args...)).To(Equal(cmdutil.ExitUsage))
			Expect(stderr.String()).To(HavePrefix("Error: " + message + "\n\nUsage:\n  binary [flags]\n"))
			Expect(stderr.String()).To(ContainSubstring("--max-entries int"))
			Expect(logged).To(BeEmpty())
			Expect(ran).To(BeFalse())
			Expect(opts.completed).To(BeFalse())
		},
		Entry("unknown flag", "unknown flag: --bogus", "--bogus"),
		Entry("wrong value", `invalid argument "many" for "--max-entries" flag: strconv.ParseInt: parsing "many": invalid syntax`, "--max-entries=many"),
		Entry("argument", `unknown command "extra" for "binary"`, "extra"),
	)

	It("logs an error of the binary and exits 1", func() {
		runErr = errors.New("the seed is gone")
		Expect(execute()).To(Equal(cmdutil.ExitFailed))
		Expect(logged).To(ConsistOf(ContainSubstring("the seed is gone")))
		Expect(stderr.String()).To(BeEmpty())
	})
})
