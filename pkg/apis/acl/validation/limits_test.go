// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spf13/pflag"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

var _ = Describe("Limits.AddFlags", func() {
	DescribeTable("takes the defaults of the flags from the limits it is called on",
		func(limits validation.Limits, args []string, expected validation.Limits) {
			flags := pflag.NewFlagSet("limits", pflag.ContinueOnError)
			limits.AddFlags(flags)
			Expect(flags.Parse(args)).To(Succeed())
			Expect(limits).To(Equal(expected))
		},
		Entry("the defaults", validation.DefaultLimits(), nil,
			validation.Limits{MaxEntries: validation.DefaultMaxEntries, MaxCompiledPrefixes: validation.DefaultMaxCompiledPrefixes}),
		Entry("other values set before the flags are added", validation.Limits{MaxEntries: 5, MaxCompiledPrefixes: 7}, nil,
			validation.Limits{MaxEntries: 5, MaxCompiledPrefixes: 7}),
		Entry("a flag overrides only its own limit", validation.Limits{MaxEntries: 5, MaxCompiledPrefixes: 7}, []string{"--max-entries=6"},
			validation.Limits{MaxEntries: 6, MaxCompiledPrefixes: 7}),
		Entry("both flags", validation.DefaultLimits(), []string{"--max-entries=10", "--max-compiled-prefixes=20"},
			validation.Limits{MaxEntries: 10, MaxCompiledPrefixes: 20}),
	)

	It("shows the limits' values as the defaults in the help", func() {
		limits := validation.Limits{MaxEntries: 5, MaxCompiledPrefixes: 7}
		flags := pflag.NewFlagSet("limits", pflag.ContinueOnError)
		limits.AddFlags(flags)
		Expect(flags.Lookup("max-entries").DefValue).To(Equal("5"))
		Expect(flags.Lookup("max-compiled-prefixes").DefValue).To(Equal("7"))
	})
})
