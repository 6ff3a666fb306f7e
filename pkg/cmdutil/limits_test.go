// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package cmdutil_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spf13/pflag"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/cmdutil"
)

var _ = Describe("LimitsOptions", func() {
	parse := func(args ...string) (*cmdutil.LimitsOptions, error) {
		options := cmdutil.NewLimitsOptions()
		flags := pflag.NewFlagSet("limits", pflag.ContinueOnError)
		options.AddFlags(flags)
		if err := flags.Parse(args); err != nil {
			return nil, err
		}
		return options, options.Complete()
	}

	DescribeTable("completes the limits from the flags",
		func(args []string, expected validation.Limits) {
			options, err := parse(args...)
			Expect(err).NotTo(HaveOccurred())
			Expect(*options.Completed()).To(Equal(expected))
		},
		Entry("the defaults without flags", nil, validation.DefaultLimits()),
		Entry("more entries, the default compiled prefixes", []string{"--max-entries=2000"},
			validation.Limits{MaxEntries: 2000, MaxCompiledPrefixes: validation.DefaultMaxCompiledPrefixes}),
		Entry("both limits", []string{"--max-entries=10", "--max-compiled-prefixes=20"}, validation.Limits{MaxEntries: 10, MaxCompiledPrefixes: 20}),
		Entry("as many compiled prefixes as entries", []string{"--max-entries=10", "--max-compiled-prefixes=10"}, validation.Limits{MaxEntries: 10, MaxCompiledPrefixes: 10}),
	)

	DescribeTable("refuses limits no shoot could be reconciled with",
		func(message string, args ...string) {
			_, err := parse(args...)
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("no entries", "--max-entries must be at least 1, got 0", "--max-entries=0"),
		Entry("negative entries", "--max-entries must be at least 1, got -1", "--max-entries=-1"),
		Entry("fewer compiled prefixes than entries", "--max-compiled-prefixes (5) must be at least --max-entries (10)", "--max-entries=10", "--max-compiled-prefixes=5"),
		Entry("more entries than the default compiled prefixes", "must be at least --max-entries", "--max-entries=5000"),
	)

	It("refuses a limit that is no number", func() {
		_, err := parse("--max-entries=many")
		Expect(err).To(MatchError(ContainSubstring(`invalid argument "many" for "--max-entries"`)))
	})

	It("takes the defaults of the flags from the options it is called on", func() {
		options := &cmdutil.LimitsOptions{Limits: validation.Limits{MaxEntries: 5, MaxCompiledPrefixes: 7}}
		flags := pflag.NewFlagSet("limits", pflag.ContinueOnError)
		options.AddFlags(flags)
		Expect(flags.Parse(nil)).To(Succeed())
		Expect(options.Complete()).To(Succeed())
		Expect(*options.Completed()).To(Equal(validation.Limits{MaxEntries: 5, MaxCompiledPrefixes: 7}))
	})

	It("keeps the completed limits apart from later changes to the flags' values", func() {
		options, err := parse("--max-entries=10")
		Expect(err).NotTo(HaveOccurred())
		options.Limits.MaxEntries = 1
		Expect(options.Completed().MaxEntries).To(Equal(10))
	})
})
