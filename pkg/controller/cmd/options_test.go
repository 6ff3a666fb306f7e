// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package cmd_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spf13/pflag"

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

	DescribeTable("refuses flags the controller cannot work with",
		func(message string, args ...string) {
			_, err := parse(args...)
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("an additional source that is no CIDR", `invalid --additional-allowed-cidrs entry "10.0.0.1/33"`, "--additional-allowed-cidrs=10.0.0.1/33"),
		Entry("no health checks", "--healthcheck-sync-period must be positive", "--healthcheck-sync-period=0s"),
		Entry("no retry delay", "--max-retry-delay must be positive", "--max-retry-delay=0s"),
		Entry("fewer compiled prefixes than entries", "must be at least --max-entries", "--max-entries=10", "--max-compiled-prefixes=5"),
	)
})
