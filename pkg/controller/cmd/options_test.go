// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package cmd_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spf13/pflag"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/pkg/controller/cmd"
)

var _ = Describe("The ACL options of the seed controller", func() {
	parse := func(args ...string) (*cmd.ACLOptions, error) {
		options := cmd.NewACLOptions()
		flags := pflag.NewFlagSet("controller", pflag.ContinueOnError)
		options.AddFlags(flags)
		if err := flags.Parse(args); err != nil {
			return nil, err
		}
		return options, options.Complete()
	}

	It("defaults to one minute between retries at most and no additional sources", func() {
		options, err := parse()
		Expect(err).NotTo(HaveOccurred())
		Expect(options.MaxRetryDelay).To(Equal(aclcontroller.DefaultMaxRetryDelay))
		Expect(options.HealthCheckSyncPeriod).To(Equal(30 * time.Second))
		Expect(options.Completed().AdditionalAllowedCIDRs).To(BeEmpty())
	})

	It("completes the configuration from the flags", func() {
		options, err := parse("--additional-allowed-cidrs=10.0.0.0/8,2001:db8::/32", "--max-retry-delay=5m", "--max-entries=10", "--max-compiled-prefixes=20")
		Expect(err).NotTo(HaveOccurred())
		Expect(options.MaxRetryDelay).To(Equal(5 * time.Minute))
		Expect(options.Completed().AdditionalAllowedCIDRs).To(Equal([]string{"10.0.0.0/8", "2001:db8::/32"}))
		Expect(options.Completed().Limits.MaxEntries).To(Equal(10))
	})

	DescribeTable("completes every setting from its flag or its default",
		func(args []string, expected cmd.ACLConfig) {
			options, err := parse(args...)
			Expect(err).NotTo(HaveOccurred())
			Expect(*options.Completed()).To(Equal(expected))
		},
		Entry("the defaults", nil, cmd.ACLConfig{
			Config:                aclcontroller.Config{Limits: validation.DefaultLimits()},
			HealthCheckSyncPeriod: 30 * time.Second,
			MaxRetryDelay:         time.Minute,
		}),
		Entry("every flag", []string{
			"--additional-allowed-cidrs=10.0.0.0/8", "--additional-allowed-cidrs=2001:db8::/32",
			"--healthcheck-sync-period=1m", "--max-retry-delay=30s", "--max-entries=10", "--max-compiled-prefixes=20",
		}, cmd.ACLConfig{
			Config: aclcontroller.Config{
				AdditionalAllowedCIDRs: []string{"10.0.0.0/8", "2001:db8::/32"},
				Limits:                 validation.Limits{MaxEntries: 10, MaxCompiledPrefixes: 20},
			},
			HealthCheckSyncPeriod: time.Minute,
			MaxRetryDelay:         30 * time.Second,
		}),
		Entry("one limit, the other's default", []string{"--max-entries=2000"}, cmd.ACLConfig{
			Config:                aclcontroller.Config{Limits: validation.Limits{MaxEntries: 2000, MaxCompiledPrefixes: validation.DefaultMaxCompiledPrefixes}},
			HealthCheckSyncPeriod: 30 * time.Second,
			MaxRetryDelay:         time.Minute,
		}),
	)

	It("leaves the namespace to the caller: it is the controller's own, not a flag", func() {
		options, err := parse()
		Expect(err).NotTo(HaveOccurred())
		Expect(options.Completed().Namespace).To(BeEmpty())
	})

	It("takes the defaults of the flags from the options it is called on", func() {
		options := cmd.NewACLOptions()
		options.MaxRetryDelay = 2 * time.Minute
		options.Limits.Limits.MaxEntries = 7
		flags := pflag.NewFlagSet("controller", pflag.ContinueOnError)
		options.AddFlags(flags)
		Expect(flags.Lookup("max-retry-delay").DefValue).To(Equal("2m0s"))
		Expect(flags.Lookup("max-entries").DefValue).To(Equal("7"))
	})

	DescribeTable("refuses flags the controller cannot work with",
		func(message string, args ...string) {
			_, err := parse(args...)
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("an additional source that is no CIDR", `invalid --additional-allowed-cidrs entry "10.0.0.1/33"`, "--additional-allowed-cidrs=10.0.0.1/33"),
		Entry("no health checks", "--healthcheck-sync-period must be positive", "--healthcheck-sync-period=0s"),
		Entry("no retry delay", "--max-retry-delay must be positive", "--max-retry-delay=0s"),
		Entry("fewer compiled prefixes than entries", "must be at least --max-entries", "--max-entries=10", "--max-compiled-prefixes=5"),
		Entry("an additional source without prefix length", `invalid --additional-allowed-cidrs entry "10.0.0.1"`, "--additional-allowed-cidrs=10.0.0.1"),
		Entry("a negative health check period", "--healthcheck-sync-period must be positive, got -1s", "--healthcheck-sync-period=-1s"),
		Entry("a negative retry delay", "--max-retry-delay must be positive, got -1m0s", "--max-retry-delay=-1m"),
		Entry("no entries", "--max-entries must be at least 1", "--max-entries=0"),
		Entry("a duration that is no duration", `invalid argument "often" for "--healthcheck-sync-period"`, "--healthcheck-sync-period=often"),
	)
})
