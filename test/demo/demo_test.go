// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package demo_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/test/demo"
)

func TestDemo(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Demo Suite")
}

var _ = Describe("make demo", func() {
	It("walks through admission and enforcement on a garden-in-a-box", func(ctx context.Context) {
		var out bytes.Buffer
		Expect(demo.Run(ctx, demo.Options{Out: &out, KubeconfigDir: GinkgoT().TempDir()})).To(Succeed())

		Expect(out.String()).To(And(
			ContainSubstring(`==> 3. A shoot owner applies a Shoot with malformed ACL rules; this is what the API answers:`),
			ContainSubstring(`admission webhook "validator.admission-acl.extensions.gardener.cloud" denied the request`),
			ContainSubstring(`spec.extensions[0].providerConfig.rules[0].cidrs[0]: Invalid value: "10.1.2.3/8": has host bits set`),
			ContainSubstring(`spec.extensions[0].providerConfig.rules[1].cidr: Forbidden: unknown field "cidr": did you mean "cidrs"?`),
			ContainSubstring(`Warning: spec.extensions[0].providerConfig.rules[0].cidrs[2]: is already covered by 203.0.113.0/24`),
			MatchRegexp(`istio-ingress/acl-shoot--dev--demo \(\d+ patches`),
			ContainSubstring(`port 9443, the filter chain matched by server name api.demo.dev.internal.local.gardener.cloud`),
			ContainSubstring(`applyTo: EXTENSION_CONFIG`),
			ContainSubstring(`port 9443, the filter chain matched by server name gu-dev--demo.ingress.local.seed.local.gardener.cloud`),
			ContainSubstring(`port 9443, the filter chain matched by server name p-dev--demo.ingress.local.seed.local.gardener.cloud`),
			MatchRegexp(`istio-ingress/acl-shared inserts \d+ filters into the shared listeners on ports \[(8132 )?8443\]`),
			MatchRegexp(`decided by the slot configuration istio-ingress/acl-8443-f0-s\d`),
			ContainSubstring(`address_prefix: 203.0.113.128`),
			MatchRegexp(`lastOperation: (Create|Reconcile) Succeeded`),
			ContainSubstring(`"ipv4Prefixes":2,"ipv6Prefixes":1`),
			ContainSubstring(`"mode":"Enforce"`),
			ContainSubstring(`Warning: spec.extensions[0].providerConfig.mode: the rules are audited`),
			ContainSubstring(`shadow_rules:`),
			ContainSubstring(`"mode":"Audit"`),
			MatchRegexp(`==> 10\. Done in \d+s\.`),
		))
		Expect(out.String()).NotTo(ContainSubstring("clientAddressesHidden"), "the demo's seed keeps client addresses")
		GinkgoWriter.Print(out.String())
	}, NodeTimeout(3*time.Minute))
})
