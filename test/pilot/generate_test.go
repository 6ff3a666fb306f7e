// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	"net/netip"

	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

const (
	allowedClient = "203.0.113.7"
	deniedClient  = "198.51.100.7"
)

func from(addr string) envoyrbac.Request {
	a := netip.MustParseAddr(addr)
	return envoyrbac.Request{RemoteIP: a, ConnectionRemoteIP: a, DirectRemoteIP: a}
}

func generate(extra ...runtime.Object) *pilot.Config {
	config, err := pilot.Generate(append(seedObjects(), extra...), gateway())
	Expect(err).NotTo(HaveOccurred())
	return config
}

func chain(config *pilot.Config, conn pilot.Connection) *listenerv3.FilterChain {
	c, err := config.FilterChain(conn)
	Expect(err).NotTo(HaveOccurred())
	return c
}

func connectTo(destination string) pilot.Request {
	return pilot.Request{Method: "CONNECT", Authority: "kube-apiserver:443", Headers: map[string][]string{"X-Gardener-Destination": {destination}}}
}

var _ = Describe("Generate", Ordered, func() {
	var baseline *pilot.Config

	BeforeAll(func() {
		baseline = generate()
	})

	It("returns the listeners of the gateway's Service target ports and nothing pilot dropped", func() {
		Expect(pilot.FilterNames(baseline.Listeners)).To(Equal([]string{"0.0.0.0_8443", "0.0.0.0_9443"}))
		Expect(baseline.Warnings).To(BeEmpty())
		Expect(baseline.Ignored).To(BeEmpty())
		Expect(baseline.Cluster(apiserverCluster)).NotTo(BeNil())
	})

	It("is deterministic", func() {
		again := generate()
		Expect(again.Listeners).To(HaveLen(len(baseline.Listeners)))
		for i := range again.Listeners {
			Expect(proto.Equal(again.Listeners[i], baseline.Listeners[i])).To(BeTrue(), again.Listeners[i].GetName())
		}
		Expect(pilot.FilterNames(again.Clusters)).To(Equal(pilot.FilterNames(baseline.Clusters)))
		Expect(pilot.FilterNames(again.Routes)).To(Equal(pilot.FilterNames(baseline.Routes)))
	})

	It("reports the objects pilot does not read and the EnvoyFilters and Gateways that do not select the proxy", func() {
		other := envoyFilter("other-gateway", sniPatch(apiHost, networkRBAC("x", allowRules(allowedClient+"/32"))))
		other.Spec.WorkloadSelector.Labels = map[string]string{"istio": "other"}
		deployment := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ingressNamespace, Name: "istio-ingressgateway"}}
		config := generate(other, deployment)
		Expect(config.Warnings).To(ConsistOf(HavePrefix("EnvoyFilter istio-ingress/other-gateway does not apply to the proxy")))
		Expect(config.Ignored).To(ConsistOf("Deployment istio-ingress/istio-ingressgateway"))
	})

	It("takes unstructured objects and objects without kind as well as typed ones", func() {
		objects := seedObjects()
		for i, obj := range objects {
			if ef, ok := obj.(*istionetworkingv1alpha3.EnvoyFilter); ok {
				ef.TypeMeta = metav1.TypeMeta{APIVersion: "networking.istio.io/v1alpha3", Kind: "EnvoyFilter"}
				content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ef)
				Expect(err).NotTo(HaveOccurred())
				objects[i] = &unstructured.Unstructured{Object: content}
			}
		}
		config, err := pilot.Generate(objects, gateway())
		Expect(err).NotTo(HaveOccurred())
		Expect(config.Listeners).To(HaveLen(len(baseline.Listeners)))
		for i := range config.Listeners {
			Expect(proto.Equal(config.Listeners[i], baseline.Listeners[i])).To(BeTrue(), config.Listeners[i].GetName())
		}
	})

	Describe("selecting the filter chain of a TLS connection", func() {
		It("selects the passthrough chain of an exact server name, whatever its case", func() {
			for _, sni := range []string{apiHost, internalAPIHost, "API.Bar.Foo.Example.COM"} {
				c := chain(baseline, pilot.TLSConnection(9443, sni))
				Expect(c.GetFilterChainMatch().GetServerNames()).To(ConsistOf(apiHost, internalAPIHost), sni)
				Expect(pilot.FilterNames(pilot.NetworkFilters(c))).To(HaveExactElements(ContainSubstring("tcp_proxy")), sni)
			}
		})

		It("prefers the exact server name of the terminated observability host to the wildcard", func() {
			c := chain(baseline, pilot.TLSConnection(9443, plutonoHost))
			Expect(c.GetFilterChainMatch().GetServerNames()).To(ConsistOf(plutonoHost))
			httpFilters, err := pilot.HTTPFilters(c)
			Expect(err).NotTo(HaveOccurred())
			names := pilot.FilterNames(httpFilters)
			Expect(names[len(names)-1]).To(Equal("envoy.filters.http.router"))
			Expect(names).NotTo(ContainElement(pilot.HTTPRBACFilterName))
		})

		It("selects the wildcard chain for any deeper name of the wildcard's domain, but not for the domain itself", func() {
			for _, sni := range []string{"p-foo--bar.ingress.example.com", "a.b.ingress.example.com"} {
				c := chain(baseline, pilot.TLSConnection(9443, sni))
				Expect(c.GetFilterChainMatch().GetServerNames()).To(ConsistOf(wildcardHost), sni)
			}
			_, err := baseline.FilterChain(pilot.TLSConnection(9443, "ingress.example.com"))
			Expect(err).To(MatchError(ContainSubstring("no chain matches")))
			_, err = baseline.FilterChain(pilot.Connection{Port: 9443})
			Expect(err).To(MatchError(ContainSubstring("no chain matches")))
		})
	})

	Describe("an EnvoyFilter that inserts a network RBAC filter by filterChain.sni", func() {
		var config *pilot.Config

		BeforeAll(func() {
			config = generate(envoyFilter("acl", sniPatch(apiHost, networkRBAC("acl_test_", allowRules(allowedClient+"/32")))))
		})

		It("puts the filter first into every chain whose server names contain the host, and nowhere else", func() {
			c := chain(config, pilot.TLSConnection(9443, apiHost))
			names := pilot.FilterNames(pilot.NetworkFilters(c))
			Expect(names[0]).To(Equal(pilot.NetworkRBACFilterName))
			Expect(names[1:]).To(Equal(pilot.FilterNames(pilot.NetworkFilters(chain(baseline, pilot.TLSConnection(9443, apiHost))))))
			// The chain also serves the internal host, so the filter guards it as well.
			Expect(chain(config, pilot.TLSConnection(9443, internalAPIHost))).To(BeIdenticalTo(c))

			for _, sni := range []string{plutonoHost, "p-foo--bar.ingress.example.com"} {
				Expect(proto.Equal(chain(config, pilot.TLSConnection(9443, sni)), chain(baseline, pilot.TLSConnection(9443, sni)))).To(BeTrue(), sni)
			}
		})

		It("admits the allowed client and denies others, with exactly one RBAC filter on the way", func() {
			c := chain(config, pilot.TLSConnection(9443, apiHost))
			decision, err := config.Decide(c, from(allowedClient))
			Expect(err).NotTo(HaveOccurred())
			Expect(decision.Allowed).To(BeTrue())
			Expect(decision.Ran).To(HaveLen(1))
			Expect(decision.Ran[0].StatPrefix).To(Equal("acl_test_"))

			decision, err = config.Decide(c, from(deniedClient))
			Expect(err).NotTo(HaveOccurred())
			Expect(decision.Allowed).To(BeFalse())
			Expect(decision.Ran).To(HaveLen(1))
		})

		It("admits everyone on chains without RBAC filters", func() {
			decision, err := config.Decide(chain(config, pilot.TLSConnection(9443, "p-foo--bar.ingress.example.com")), from(deniedClient))
			Expect(err).NotTo(HaveOccurred())
			Expect(decision.Allowed).To(BeTrue())
			Expect(decision.Ran).To(BeEmpty())
		})
	})

	It("leaves the listeners unchanged when istio does not apply the EnvoyFilter's match, which the test detects", func() {
		for _, typo := range []*istionetworkingv1alpha3.EnvoyFilter{
			envoyFilter("wrong-host", sniPatch("api.typo.foo.example.com", networkRBAC("acl_test_", allowRules(allowedClient+"/32")))),
			// A filterChain.sni match compares the server names literally: a wildcard chain is not matched by a host in it.
			envoyFilter("host-in-wildcard", sniPatch("p-foo--bar.ingress.example.com", networkRBAC("acl_test_", allowRules(allowedClient+"/32")))),
		} {
			config := generate(typo)
			Expect(config.Listeners).To(HaveLen(len(baseline.Listeners)))
			for i := range config.Listeners {
				Expect(proto.Equal(config.Listeners[i], baseline.Listeners[i])).To(BeTrue(), typo.Name)
			}
			filters, err := config.RBACFilters(chain(config, pilot.TLSConnection(9443, "p-foo--bar.ingress.example.com")))
			Expect(err).NotTo(HaveOccurred())
			Expect(filters).To(BeEmpty(), typo.Name)
		}
	})

	Describe("the shared HTTP CONNECT listener", func() {
		var config *pilot.Config

		BeforeAll(func() {
			shared, err := envoyfilter.SharedListenerRBAC("acl_shoot--foo--bar_", "X-Gardener-Destination", envoyfilter.Destinations(shootNamespace),
				acl.PrincipalTypeRemoteIP, []netip.Prefix{netip.MustParsePrefix(allowedClient + "/32")})
			Expect(err).NotTo(HaveOccurred())
			config = generate(envoyFilter("acl", beforeRouterPatch(8443, shared)))
		})

		It("routes CONNECT requests by X-Gardener-Destination", func() {
			c := chain(config, pilot.Connection{Port: 8443})

			route, err := config.SelectRoute(c, connectTo(apiserverCluster))
			Expect(err).NotTo(HaveOccurred())
			Expect(route.Action).To(Equal(pilot.RouteToCluster))
			Expect(route.Cluster).To(Equal(apiserverCluster))

			// A value of gardener's form for a control plane that does not exist names no cluster: Envoy answers 404.
			route, err = config.SelectRoute(c, connectTo("outbound|443||kube-apiserver.shoot--foo--other.svc.cluster.local"))
			Expect(err).NotTo(HaveOccurred())
			Expect(route.Action).To(Equal(pilot.RouteNotFound))

			// Values outside gardener's regex and requests without the header get the redirect of the catch-all route.
			for _, req := range []pilot.Request{connectTo(nginxCluster + "x"), {Method: "CONNECT", Authority: "kube-apiserver:443"}} {
				route, err = config.SelectRoute(c, req)
				Expect(err).NotTo(HaveOccurred())
				Expect(route.Action).To(Equal(pilot.RouteRedirect))
			}
			route, err = config.SelectRoute(c, pilot.Request{Method: "GET", Authority: "example.com", Path: "/"})
			Expect(err).NotTo(HaveOccurred())
			Expect(route.Action).To(Equal(pilot.RouteRedirect))
		})

		It("inserts the HTTP RBAC filter right before the router", func() {
			httpFilters, err := pilot.HTTPFilters(chain(config, pilot.Connection{Port: 8443}))
			Expect(err).NotTo(HaveOccurred())
			names := pilot.FilterNames(httpFilters)
			Expect(names[len(names)-2:]).To(Equal([]string{pilot.HTTPRBACFilterName, "envoy.filters.http.router"}))
			Expect(names[:len(names)-2]).NotTo(ContainElement(pilot.HTTPRBACFilterName))
		})

		It("restricts only the requests for the shoot", func() {
			c := chain(config, pilot.Connection{Port: 8443})
			for _, tc := range []struct {
				client, destination string
				allowed             bool
			}{
				{allowedClient, apiserverCluster, true},
				{deniedClient, apiserverCluster, false},
				{deniedClient, "outbound|1194||vpn-seed-server-0.shoot--foo--bar.svc.cluster.local", false},
				{deniedClient, "outbound|443||kube-apiserver.shoot--foo--other.svc.cluster.local", true},
			} {
				request := from(tc.client)
				request.Headers = map[string][]string{"X-Gardener-Destination": {tc.destination}}
				decision, err := config.Decide(c, request)
				Expect(err).NotTo(HaveOccurred())
				Expect(decision.Allowed).To(Equal(tc.allowed), tc.client+" "+tc.destination)
				Expect(pilot.WithStatPrefix(decision.Ran, "acl_shoot--foo--bar_")).To(HaveLen(1))
			}
		})
	})

	It("inserts a filter once per matching patch: two hosts of one chain get two filters", func() {
		rules := networkRBAC("acl_test_", allowRules(allowedClient+"/32"))
		config := generate(envoyFilter("acl", sniPatch(apiHost, rules), sniPatch(internalAPIHost, rules)))
		rbac, err := config.RBACFilters(chain(config, pilot.TLSConnection(9443, apiHost)))
		Expect(err).NotTo(HaveOccurred())
		Expect(pilot.StatPrefixes(rbac)).To(Equal([]string{"acl_test_", "acl_test_"}))
	})
})

var _ = Describe("Decide", func() {
	It("admits everybody through an RBAC filter with shadow rules only, and reports their verdict", func() {
		config := generate(envoyFilter("shadow", sniPatch(apiHost, networkRBACShadowOnly())))
		decision, err := config.Decide(chain(config, pilot.TLSConnection(9443, apiHost)), from(deniedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeTrue())
		Expect(decision.ShadowAllowed).To(BeFalse())
	})
})
