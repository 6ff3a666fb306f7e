// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyrbac_test

import (
	"net/netip"

	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
)

// rules reads RBAC rules written as in Envoy's documentation (JSON form of the YAML examples).
func rules(json string) *rbacconfigv3.RBAC {
	config := &rbacconfigv3.RBAC{}
	Expect(protojson.Unmarshal([]byte(json), config)).To(Succeed())
	Expect(config.ValidateAll()).To(Succeed())
	return config
}

func from(remote string) envoyrbac.Request {
	return envoyrbac.Request{RemoteIP: netip.MustParseAddr(remote), ConnectionRemoteIP: netip.MustParseAddr(remote), DirectRemoteIP: netip.MustParseAddr(remote)}
}

var _ = Describe("Allowed", func() {
	// The cases are hand-checked against Envoy's RBAC documentation: an ALLOW action admits a request when a policy
	// matches (any permission and any principal), a DENY action when none does, CIDR ranges match the first prefix_len
	// bits, and several values of one header are matched joined by ",".
	allowRange := rules(`{"action":"ALLOW","policies":{"office":{"permissions":[{"any":true}],"principals":[{"remote_ip":{"address_prefix":"10.0.0.0","prefix_len":8}}]}}}`)
	denyRange := rules(`{"action":"DENY","policies":{"blocked":{"permissions":[{"any":true}],"principals":[{"remote_ip":{"address_prefix":"10.1.0.0","prefix_len":16}}]}}}`)
	headerRule := rules(`{"action":"ALLOW","policies":{"others":{"permissions":[{"not_rule":{"or_rules":{"rules":[{"header":{"name":"x-dest","string_match":{"exact":"mine"}}}]}}}],"principals":[{"any":true}]},"mine-from-office":{"permissions":[{"any":true}],"principals":[{"remote_ip":{"address_prefix":"192.0.2.0","prefix_len":24}}]}}}`)
	emptyAllow := rules(`{"action":"ALLOW"}`)
	sniRule := rules(`{"action":"ALLOW","policies":{"others":{"permissions":[{"not_rule":{"or_rules":{"rules":[{"requested_server_name":{"exact":"gu-mine.ingress.example.com","ignore_case":true}}]}}}],"principals":[{"any":true}]},"mine-from-office":{"permissions":[{"any":true}],"principals":[{"remote_ip":{"address_prefix":"192.0.2.0","prefix_len":24}}]}}}`)
	sniCaseSensitive := rules(`{"action":"ALLOW","policies":{"mine":{"permissions":[{"requested_server_name":{"exact":"gu-mine.ingress.example.com"}}],"principals":[{"any":true}]}}}`)
	// and_ids with not_id: every IPv6 source except the IPv4-mapped range.
	ipv6ButMapped := rules(`{"action":"ALLOW","policies":{"p":{"permissions":[{"any":true}],"principals":[{"and_ids":{"ids":[{"remote_ip":{"address_prefix":"::","prefix_len":0}},{"not_id":{"remote_ip":{"address_prefix":"::ffff:0.0.0.0","prefix_len":96}}}]}}]}}}`)
	bothHeaders := rules(`{"action":"ALLOW","policies":{"both":{"permissions":[{"and_rules":{"rules":[{"header":{"name":"a","string_match":{"exact":"1"}}},{"header":{"name":"b","string_match":{"exact":"2"}}}]}}],"principals":[{"any":true}]}}}`)

	DescribeTable("decides as Envoy",
		func(config *rbacconfigv3.RBAC, request envoyrbac.Request, allowed bool) {
			decision, err := envoyrbac.Allowed(config, request)
			Expect(err).NotTo(HaveOccurred())
			Expect(decision).To(Equal(allowed))
		},
		Entry("ALLOW: inside the range", allowRange, from("10.200.3.4"), true),
		Entry("ALLOW: just outside the range", allowRange, from("11.0.0.0"), false),
		Entry("ALLOW: other family", allowRange, from("2001:db8::1"), false),
		Entry("ALLOW: IPv4-mapped IPv6 is not IPv4", allowRange, from("::ffff:10.0.0.1"), false),
		Entry("DENY: inside the denied range", denyRange, from("10.1.9.9"), false),
		Entry("DENY: outside the denied range", denyRange, from("10.2.0.1"), true),
		Entry("ALLOW without policies admits nothing", emptyAllow, from("10.0.0.1"), false),
		Entry("and_ids: every identifier matches", ipv6ButMapped, from("2001:db8::1"), true),
		Entry("and_ids: the negated identifier matches, so the set does not", ipv6ButMapped, from("::ffff:203.0.113.1"), false),
		Entry("and_ids: the first identifier does not match", ipv6ButMapped, from("203.0.113.1"), false),
		Entry("and_rules: all rules match", bothHeaders, envoyrbac.Request{Headers: map[string][]string{"a": {"1"}, "b": {"2"}}}, true),
		Entry("and_rules: one rule fails", bothHeaders, envoyrbac.Request{Headers: map[string][]string{"a": {"1"}, "b": {"3"}}}, false),
		Entry("shared listener: another destination from anywhere",
			headerRule, envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.1"), Headers: map[string][]string{"X-Dest": {"theirs"}}}, true),
		Entry("shared listener: no destination header from anywhere",
			headerRule, envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.1")}, true),
		Entry("shared listener: own destination from outside",
			headerRule, envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.1"), Headers: map[string][]string{"x-dest": {"mine"}}}, false),
		Entry("shared listener: own destination from the office",
			headerRule, envoyrbac.Request{RemoteIP: netip.MustParseAddr("192.0.2.9"), Headers: map[string][]string{"x-dest": {"mine"}}}, true),
		// Envoy's own RBAC integration test HeaderMatchConditionDuplicateHeaderMatch: the request carries xxx: yyy and
		// xxx: zzz, and a header rule with exact "yyy,zzz" admits it.
		Entry("Envoy's duplicate header case",
			rules(`{"action":"ALLOW","policies":{"p":{"permissions":[{"header":{"name":"xxx","string_match":{"exact":"yyy,zzz"}}}],"principals":[{"any":true}]}}}`),
			envoyrbac.Request{Headers: map[string][]string{"xxx": {"yyy", "zzz"}}}, true),
		Entry("shared listener: repeated headers are joined, so they are not the exact own destination",
			headerRule, envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.1"), Headers: map[string][]string{"x-dest": {"mine", "theirs"}}}, true),
		Entry("prefix: the joined values start with the prefix",
			rules(`{"action":"ALLOW","policies":{"p":{"permissions":[{"header":{"name":"x-dest","string_match":{"prefix":"mine,"}}}],"principals":[{"any":true}]}}}`),
			envoyrbac.Request{Headers: map[string][]string{"x-dest": {"mine", "theirs"}}}, true),
		Entry("prefix: a single value without the comma does not start with it",
			rules(`{"action":"ALLOW","policies":{"p":{"permissions":[{"header":{"name":"x-dest","string_match":{"prefix":"mine,"}}}],"principals":[{"any":true}]}}}`),
			envoyrbac.Request{Headers: map[string][]string{"x-dest": {"mine"}}}, false),
		Entry("shared chain: another server name from anywhere",
			sniRule, envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.1"), ServerName: "gu-theirs.ingress.example.com"}, true),
		Entry("shared chain: a longer name that ends like the own one is another name",
			sniRule, envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.1"), ServerName: "x-gu-mine.ingress.example.com"}, true),
		Entry("shared chain: own server name from outside",
			sniRule, envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.1"), ServerName: "gu-mine.ingress.example.com"}, false),
		Entry("shared chain: own server name in upper case from outside",
			sniRule, envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.1"), ServerName: "GU-Mine.Ingress.Example.COM"}, false),
		Entry("shared chain: own server name from the office",
			sniRule, envoyrbac.Request{RemoteIP: netip.MustParseAddr("192.0.2.200"), ServerName: "gu-mine.ingress.example.com"}, true),
		Entry("server name without ignore_case: case matters", sniCaseSensitive, envoyrbac.Request{ServerName: "GU-mine.ingress.example.com"}, false),
		Entry("server name: exact", sniCaseSensitive, envoyrbac.Request{ServerName: "gu-mine.ingress.example.com"}, true),
		Entry("ignore_case folds ASCII only: the Kelvin sign is not k",
			rules(`{"action":"ALLOW","policies":{"p":{"permissions":[{"requested_server_name":{"exact":"k.example.com","ignore_case":true}}],"principals":[{"any":true}]}}}`),
			envoyrbac.Request{ServerName: "\u212a.example.com"}, false),
	)

	// The address kinds, checked against the comments of envoy/config/rbac/v3/rbac.proto in go-control-plane:
	// remote_ip "may not be the physical peer ... if the remote ip is inferred from the x-forwarder-for header, the
	// proxy protocol"; source_ip "will honor proxy protocol, but will not honor XFF"; direct_remote_ip "is always the
	// physical peer". A client 203.0.113.9 reaches a load balancer that connects from 10.0.0.2 and announces the
	// connection as coming from 198.51.100.4 by PROXY protocol, with 203.0.113.9 in a trusted X-Forwarded-For.
	DescribeTable("tells the address kinds apart as Envoy's API defines them",
		func(kind, cidr string, allowed bool) {
			config := rules(`{"action":"ALLOW","policies":{"p":{"permissions":[{"any":true}],"principals":[{"` + kind + `":{"address_prefix":"` + cidr + `","prefix_len":32}}]}}}`)
			decision, err := envoyrbac.Allowed(config, envoyrbac.Request{
				RemoteIP: netip.MustParseAddr("203.0.113.9"), ConnectionRemoteIP: netip.MustParseAddr("198.51.100.4"), DirectRemoteIP: netip.MustParseAddr("10.0.0.2"),
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(decision).To(Equal(allowed))
		},
		Entry("remote_ip: the client from X-Forwarded-For", "remote_ip", "203.0.113.9", true),
		Entry("remote_ip: not the PROXY protocol address", "remote_ip", "198.51.100.4", false),
		Entry("remote_ip: not the physical peer", "remote_ip", "10.0.0.2", false),
		Entry("source_ip: the PROXY protocol address", "source_ip", "198.51.100.4", true),
		Entry("source_ip: not the X-Forwarded-For client", "source_ip", "203.0.113.9", false),
		Entry("source_ip: not the physical peer", "source_ip", "10.0.0.2", false),
		Entry("direct_remote_ip: the physical peer", "direct_remote_ip", "10.0.0.2", true),
		Entry("direct_remote_ip: not the PROXY protocol address", "direct_remote_ip", "198.51.100.4", false),
	)

	It("refuses what it does not understand instead of guessing", func() {
		config := rules(`{"action":"ALLOW","policies":{"p":{"permissions":[{"destination_port":443}],"principals":[{"any":true}]}}}`)
		_, err := envoyrbac.Allowed(config, from("10.0.0.1"))
		Expect(err).To(MatchError(ContainSubstring("unsupported permission")))

		config = rules(`{"action":"LOG","policies":{"p":{"permissions":[{"any":true}],"principals":[{"any":true}]}}}`)
		_, err = envoyrbac.Allowed(config, from("10.0.0.1"))
		Expect(err).To(MatchError(ContainSubstring("unsupported RBAC action")))

		config = rules(`{"action":"ALLOW","policies":{"p":{"permissions":[{"requested_server_name":{"suffix":".example.com"}}],"principals":[{"any":true}]}}}`)
		_, err = envoyrbac.Allowed(config, envoyrbac.Request{ServerName: "a.example.com"})
		Expect(err).To(MatchError(ContainSubstring("unsupported string matcher")))
	})
})
