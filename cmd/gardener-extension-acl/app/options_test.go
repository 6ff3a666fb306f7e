// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spf13/pflag"

	"github.com/gardener-community/gardener-extension-acl/cmd/gardener-extension-acl/app"
	admissionapp "github.com/gardener-community/gardener-extension-acl/cmd/gardener-extension-admission-acl/app"
)

var _ = Describe("Options", func() {
	It("offers the manager's flags but not those of a webhook server, which the seed controller does not run", func() {
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		app.NewOptions().AddFlags(fs)
		var names []string
		fs.VisitAll(func(flag *pflag.Flag) { names = append(names, flag.Name) })
		Expect(names).To(ContainElements("kubeconfig", "leader-election", "metrics-bind-address", "health-bind-address", "log-level", "heartbeat-namespace", "max-entries"))
		for _, name := range names {
			Expect(strings.HasPrefix(name, "webhook-config-")).To(BeFalse(), name)
		}
	})

	It("refuses the webhook server's flags", func() {
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		app.NewOptions().AddFlags(fs)
		Expect(fs.Parse([]string{"--log-format=text", "--webhook-config-server-port=9443"})).To(MatchError("unknown flag: --webhook-config-server-port"))
	})

	DescribeTable("takes the rule limits with the same flags and defaults as the admission component, so both enforce the same limits",
		func(name, defaultValue string) {
			controllerFlags := pflag.NewFlagSet("controller", pflag.ContinueOnError)
			app.NewOptions().AddFlags(controllerFlags)
			admissionFlags := pflag.NewFlagSet("admission", pflag.ContinueOnError)
			admissionapp.NewOptions().AddFlags(admissionFlags)

			Expect(controllerFlags.Lookup(name)).NotTo(BeNil())
			Expect(admissionFlags.Lookup(name)).NotTo(BeNil())
			Expect(controllerFlags.Lookup(name).DefValue).To(Equal(defaultValue))
			Expect(admissionFlags.Lookup(name).DefValue).To(Equal(defaultValue))
			Expect(controllerFlags.Lookup(name).Usage).To(Equal(admissionFlags.Lookup(name).Usage))
		},
		Entry("entries", "max-entries", "1000"),
		Entry("compiled prefixes", "max-compiled-prefixes", "4000"),
	)

	It("parses the rule limits into the shared options", func() {
		options := app.NewOptions()
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		options.AddFlags(fs)
		Expect(fs.Parse([]string{"--max-entries=10", "--max-compiled-prefixes=20"})).To(Succeed())
		Expect(options.ACL.Limits.Limits.MaxEntries).To(Equal(10))
		Expect(options.ACL.Limits.Limits.MaxCompiledPrefixes).To(Equal(20))
	})
})
