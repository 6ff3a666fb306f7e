// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"encoding/json"
	"net/netip"

	xdsmatcherv3 "github.com/cncf/xds/go/xds/type/matcher/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyfilters"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
)

var prefixes = []netip.Prefix{netip.MustParsePrefix("10.250.0.0/16"), netip.MustParsePrefix("198.51.100.7/32"), netip.MustParsePrefix("2001:db8::/32")}

// decodePatch reads an EnvoyFilter patch value back into the go-control-plane type, as Envoy would, and validates it.
func decodePatch(filterName string, value map[string]any, into proto.Message) {
	ExpectWithOffset(1, value).To(HaveKeyWithValue("name", filterName))
	typedConfig, _ := value["typed_config"].(map[string]any)
	ExpectWithOffset(1, envoyfilters.Decode(typedConfig, into)).To(Succeed())
}

// insertion is a patch of an EnvoyFilter that inserts a filter, with the value Envoy runs.
type insertion struct {
	patch *istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch
	// value is the patch's value or, for a filter whose configuration comes by ECDS, its discovered configuration named
	// as the filter's type is.
	value map[string]any
	// network and http are the configuration Envoy runs, decoded once: one of them is set, by the filter's kind.
	network *rbacnetworkv3.RBAC
	http    *rbachttpv3.RBAC
}

// insertions returns the patches of EnvoyFilters that insert filters, with the values Envoy runs. The default
// configuration of a shoot's own filter delivered by ECDS must refuse everybody, and apply without waiting; the shared
// listeners' slot filters have none (their configuration is in the other objects of RenderShared).
func insertions(filters ...*istionetworkingv1alpha3.EnvoyFilter) []insertion {
	inserted, err := envoyfilters.Insertions(filters...)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	result := make([]insertion, 0, len(inserted))
	for _, in := range inserted {
		value := in.Patch.Patch.Value.AsMap()
		if _, discovered := value["config_discovery"]; discovered && in.DefaultConfig == nil {
			value = map[string]any{"name": value["name"], "typed_config": in.TypedConfig}
		}
		if in.DefaultConfig != nil {
			ExpectWithOffset(1, in.WithoutWarming).To(BeTrue(), "filter %s", value["name"])
			denyAll := &rbacnetworkv3.RBAC{}
			ExpectWithOffset(1, envoyfilters.Decode(in.DefaultConfig, denyAll)).To(Succeed())
			for _, source := range []string{"10.0.0.1", "2001:db8::1", "::ffff:10.0.0.1"} {
				addr := netip.MustParseAddr(source)
				allowed, err := envoyrbac.Allowed(denyAll.GetRules(), envoyrbac.Request{RemoteIP: addr, DirectRemoteIP: addr, ConnectionRemoteIP: addr})
				ExpectWithOffset(1, err).NotTo(HaveOccurred())
				ExpectWithOffset(1, allowed).To(BeFalse(), "the default configuration of %s admits %s", value["name"], source)
			}
			value = map[string]any{"name": envoyfilter.NetworkRBACFilterName, "typed_config": in.TypedConfig}
		}
		decoded := insertion{patch: in.Patch, value: value}
		typedConfig, _ := value["typed_config"].(map[string]any)
		if in.Patch.ApplyTo == istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER {
			decoded.network = &rbacnetworkv3.RBAC{}
			ExpectWithOffset(1, envoyfilters.Decode(typedConfig, decoded.network)).To(Succeed())
		} else {
			decoded.http = &rbachttpv3.RBAC{}
			ExpectWithOffset(1, envoyfilters.Decode(typedConfig, decoded.http)).To(Succeed())
		}
		result = append(result, decoded)
	}
	return result
}

// allowedBy evaluates an inserted RBAC filter on a request as Envoy does: by its rules or, for the shared listeners'
// slot filters, by its match tree; a filter with neither (an audited shoot's own filter) enforces nothing: Envoy's
// "no engine, allowed by default".
func allowedBy(in insertion, request envoyrbac.Request) bool {
	rules, matcher := in.network.GetRules(), in.network.GetMatcher()
	if in.http != nil {
		rules, matcher = in.http.GetRules(), in.http.GetMatcher()
	}
	allowed, evaluated := evaluate(rules, matcher, request)
	return allowed || !evaluated
}

// shadowAllowedBy evaluates the shadow rules or shadow match tree of an inserted RBAC filter as Envoy does for an
// audited shoot; audits is false when the filter has neither, and Envoy evaluates nothing in shadow.
func shadowAllowedBy(in insertion, request envoyrbac.Request) (allowed, audits bool) {
	rules, matcher := in.network.GetShadowRules(), in.network.GetShadowMatcher()
	if in.http != nil {
		rules, matcher = in.http.GetShadowRules(), in.http.GetShadowMatcher()
	}
	allowed, audits = evaluate(rules, matcher, request)
	return allowed || !audits, audits
}

// evaluate decides a request by a match tree or, without one, by rules; evaluated is false when there is neither.
func evaluate(rules *rbacconfigv3.RBAC, matcher *xdsmatcherv3.Matcher, request envoyrbac.Request) (allowed, evaluated bool) {
	if rules == nil && matcher == nil {
		return false, false
	}
	allowed, err := envoyrbac.FilterAllowed(rules, matcher, request)
	ExpectWithOffset(2, err).NotTo(HaveOccurred())
	return allowed, true
}

var _ = Describe("RBAC rendering", func() {
	DescribeTable("renders one principal per prefix, of the configured kind, for both families",
		func(principalType acl.PrincipalType, address func(*rbacconfigv3.Principal) (string, uint32)) {
			principals, err := envoyfilter.Principals(principalType, prefixes)
			Expect(err).NotTo(HaveOccurred())
			Expect(principals).To(HaveLen(3))
			for i, principal := range principals {
				prefix, bits := address(principal)
				Expect(prefix).To(Equal(prefixes[i].Addr().String()))
				Expect(bits).To(Equal(uint32(prefixes[i].Bits())))
			}
		},
		Entry("remote_ip", acl.PrincipalTypeRemoteIP, func(p *rbacconfigv3.Principal) (string, uint32) {
			return p.GetRemoteIp().GetAddressPrefix(), p.GetRemoteIp().GetPrefixLen().GetValue()
		}),
		Entry("direct_remote_ip", acl.PrincipalTypeDirectRemoteIP, func(p *rbacconfigv3.Principal) (string, uint32) {
			return p.GetDirectRemoteIp().GetAddressPrefix(), p.GetDirectRemoteIp().GetPrefixLen().GetValue()
		}),
		Entry("source_ip", acl.PrincipalTypeSourceIP, func(p *rbacconfigv3.Principal) (string, uint32) {
			return p.GetSourceIp().GetAddressPrefix(), p.GetSourceIp().GetPrefixLen().GetValue() //nolint:staticcheck // the deprecated kind is what is tested
		}),
	)

	It("keeps IPv4-mapped sources out of an IPv6 range that contains them, and leaves other ranges alone", func() {
		principals, err := envoyfilter.Principals(acl.PrincipalTypeRemoteIP, []netip.Prefix{netip.MustParsePrefix("::/0"), netip.MustParsePrefix("::/80"), netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("::/96")})
		Expect(err).NotTo(HaveOccurred())
		for _, guarded := range principals[:2] {
			ids := guarded.GetAndIds().GetIds()
			Expect(ids).To(HaveLen(2))
			Expect(ids[1].GetNotId().GetRemoteIp().GetAddressPrefix()).To(Equal("::ffff:0.0.0.0"))
			Expect(ids[1].GetNotId().GetRemoteIp().GetPrefixLen().GetValue()).To(BeEquivalentTo(96))
		}
		Expect(principals[2].GetRemoteIp().GetAddressPrefix()).To(Equal("2001:db8::"))
		Expect(principals[3].GetRemoteIp().GetAddressPrefix()).To(Equal("::"), "::/96 does not contain ::ffff:0:0")
	})

	It("refuses an unknown principal type", func() {
		_, err := envoyfilter.Principals("x_forwarded_for", prefixes)
		Expect(err).To(MatchError(ContainSubstring(`unknown principal type "x_forwarded_for"`)))
	})

	Describe("NetworkRBAC", func() {
		It("admits exactly the prefixes, and survives the round trip through an EnvoyFilter patch", func() {
			filter, err := envoyfilter.NetworkRBAC("acl_shoot--dev--a", acl.PrincipalTypeRemoteIP, prefixes)
			Expect(err).NotTo(HaveOccurred())
			Expect(filter.GetRules().GetAction()).To(Equal(rbacconfigv3.RBAC_ALLOW))
			Expect(filter.GetRules().GetPolicies()).To(HaveLen(1))

			value, err := envoyfilter.PatchValue(envoyfilter.NetworkRBACFilterName, filter)
			Expect(err).NotTo(HaveOccurred())
			decoded := &rbacnetworkv3.RBAC{}
			decodePatch(envoyfilter.NetworkRBACFilterName, value.AsMap(), decoded)
			Expect(proto.Equal(decoded, filter)).To(BeTrue())
		})

		It("admits nothing when there are no prefixes, with a filter Envoy accepts", func() {
			filter, err := envoyfilter.NetworkRBAC("acl_shoot--dev--a", acl.PrincipalTypeRemoteIP, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(filter.GetRules().GetAction()).To(Equal(rbacconfigv3.RBAC_ALLOW))
			Expect(filter.GetRules().GetPolicies()).To(BeEmpty())
		})
	})

	Describe("SharedListenerRBAC", func() {
		destinations := []string{
			"outbound|1194||vpn-seed-server.shoot--dev--a.svc.cluster.local",
			"shoot--dev--a--kube-apiserver-socket",
		}

		It("admits other destinations from anywhere and the shoot's own only from the prefixes, by exact match or as the first of several values", func() {
			filter, err := envoyfilter.SharedListenerRBAC("acl_shoot--dev--a_", "X-Gardener-Destination", destinations, acl.PrincipalTypeRemoteIP, prefixes)
			Expect(err).NotTo(HaveOccurred())
			policies := filter.GetRules().GetPolicies()
			Expect(policies).To(HaveLen(2))

			others := policies["acl-other-shoots"]
			Expect(others.GetPrincipals()).To(HaveLen(1))
			Expect(others.GetPrincipals()[0].GetAny()).To(BeTrue())
			own := others.GetPermissions()[0].GetNotRule().GetOrRules().GetRules()
			Expect(own).To(HaveLen(4))
			for i, permission := range own {
				Expect(permission.GetHeader().GetName()).To(Equal("X-Gardener-Destination"))
				if i%2 == 0 {
					Expect(permission.GetHeader().GetStringMatch().GetExact()).To(Equal(destinations[i/2]))
				} else {
					Expect(permission.GetHeader().GetStringMatch().GetPrefix()).To(Equal(destinations[i/2] + ","))
				}
			}
			Expect(policies["acl-allowed-sources"].GetPrincipals()).To(HaveLen(3))

			value, err := envoyfilter.PatchValue(envoyfilter.HTTPRBACFilterName, filter)
			Expect(err).NotTo(HaveOccurred())
			decoded := &rbachttpv3.RBAC{}
			decodePatch(envoyfilter.HTTPRBACFilterName, value.AsMap(), decoded)
			Expect(proto.Equal(decoded, filter)).To(BeTrue())
		})

		It("refuses a destination with a comma, which the first-value match cannot tell apart", func() {
			_, err := envoyfilter.SharedListenerRBAC("acl_", "X-Gardener-Destination", []string{"a,b"}, acl.PrincipalTypeRemoteIP, prefixes)
			Expect(err).To(MatchError(ContainSubstring(`destination "a,b" contains a comma`)))
		})

		It("refuses a shoot without destination values rather than matching nothing", func() {
			_, err := envoyfilter.SharedListenerRBAC("acl_", "X-Gardener-Destination", nil, acl.PrincipalTypeRemoteIP, prefixes)
			Expect(err).To(MatchError(ContainSubstring("the shoot has no destination values")))
		})
	})

	It("renders byte-identical patch values for the same input", func() {
		render := func() []byte {
			filter, err := envoyfilter.SharedListenerRBAC("acl_a_", "Reversed-VPN", []string{"a", "b"}, acl.PrincipalTypeRemoteIP, prefixes)
			Expect(err).NotTo(HaveOccurred())
			value, err := envoyfilter.PatchValue(envoyfilter.HTTPRBACFilterName, filter)
			Expect(err).NotTo(HaveOccurred())
			raw, err := json.Marshal(value)
			Expect(err).NotTo(HaveOccurred())
			return raw
		}
		first := render()
		for range 20 {
			Expect(render()).To(Equal(first))
		}
	})
})
