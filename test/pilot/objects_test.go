// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	"net/netip"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istioapinetworkingv1beta1 "istio.io/api/networking/v1beta1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

// The small seed these tests build by hand: one istio ingress gateway serving a shoot's kube-apiserver by SNI
// passthrough, a wildcard passthrough chain of the seed's ingress domain, an observability host with TLS termination
// on the same port, and the shared HTTP CONNECT listener of gardener's apiserver-proxy and reversed VPN. The objects
// follow the shapes of gardener v1.150 (pkg/component/kubernetes/apiserverexposure/templates and
// pkg/component/networking/istio/charts/istio/istio-ingress/templates) but are reduced to what the tests need.
const (
	ingressNamespace = "istio-ingress"
	shootNamespace   = "shoot--foo--bar"
	apiHost          = "api.bar.foo.example.com"
	internalAPIHost  = "api.bar.foo.internal.example.com"
	wildcardHost     = "*.ingress.example.com"
	plutonoHost      = "gu-foo--bar.ingress.example.com"
	apiserverCluster = "outbound|443||kube-apiserver.shoot--foo--bar.svc.cluster.local"
	nginxCluster     = "outbound|443||nginx-ingress-controller.garden.svc.cluster.local"
)

var gatewayLabels = map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway"}

func gateway() pilot.Gateway {
	return pilot.Gateway{Namespace: ingressNamespace, Labels: gatewayLabels}
}

func service(namespace, name string, selector map[string]string, ports ...corev1.ServicePort) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "10.1.0.1", Selector: selector, Ports: ports},
	}
}

func port(name string, number, target int32) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Protocol: corev1.ProtocolTCP, Port: number, TargetPort: intstr.FromInt32(target)}
}

// seedObjects returns the hand-made seed.
func seedObjects() []runtime.Object {
	ingress := service(ingressNamespace, "istio-ingressgateway", gatewayLabels,
		port("tcp", 443, 9443), port("http-proxy", 8443, 8443))
	ingress.Spec.Type = corev1.ServiceTypeLoadBalancer
	return []runtime.Object{
		ingress,
		service(shootNamespace, "kube-apiserver", map[string]string{"role": "apiserver"}, port("kube-apiserver", 443, 443)),
		service(shootNamespace, "plutono", map[string]string{"role": "plutono"}, port("web", 3000, 3000)),
		service("garden", "nginx-ingress-controller", map[string]string{"app": "nginx"}, port("https", 443, 443)),
		// SNI passthrough of the shoot's kube-apiserver (apiserverexposure's gateway.yaml and virtualservice.yaml).
		&istionetworkingv1beta1.Gateway{
			ObjectMeta: metav1.ObjectMeta{Namespace: shootNamespace, Name: "kube-apiserver"},
			Spec: istioapinetworkingv1beta1.Gateway{
				Selector: gatewayLabels,
				Servers: []*istioapinetworkingv1beta1.Server{{
					Hosts: []string{apiHost, internalAPIHost},
					Port:  &istioapinetworkingv1beta1.Port{Name: "tls", Number: 443, Protocol: "TLS"},
					Tls:   &istioapinetworkingv1beta1.ServerTLSSettings{Mode: istioapinetworkingv1beta1.ServerTLSSettings_PASSTHROUGH},
				}},
			},
		},
		&istionetworkingv1beta1.VirtualService{
			ObjectMeta: metav1.ObjectMeta{Namespace: shootNamespace, Name: "kube-apiserver"},
			Spec: istioapinetworkingv1beta1.VirtualService{
				Hosts:    []string{apiHost, internalAPIHost},
				Gateways: []string{"kube-apiserver"},
				Tls: []*istioapinetworkingv1beta1.TLSRoute{{
					Match: []*istioapinetworkingv1beta1.TLSMatchAttributes{{Port: 443, SniHosts: []string{apiHost, internalAPIHost}}},
					Route: []*istioapinetworkingv1beta1.RouteDestination{{Destination: &istioapinetworkingv1beta1.Destination{
						Host: "kube-apiserver." + shootNamespace + ".svc.cluster.local", Port: &istioapinetworkingv1beta1.PortSelector{Number: 443},
					}}},
				}},
			},
		},
		// A wildcard passthrough of the seed's ingress domain to nginx (the observability ingress of seeds that run nginx).
		&istionetworkingv1beta1.Gateway{
			ObjectMeta: metav1.ObjectMeta{Namespace: "garden", Name: "nginx-ingress"},
			Spec: istioapinetworkingv1beta1.Gateway{
				Selector: gatewayLabels,
				Servers: []*istioapinetworkingv1beta1.Server{{
					Hosts: []string{wildcardHost},
					Port:  &istioapinetworkingv1beta1.Port{Name: "tls", Number: 443, Protocol: "TLS"},
					Tls:   &istioapinetworkingv1beta1.ServerTLSSettings{Mode: istioapinetworkingv1beta1.ServerTLSSettings_PASSTHROUGH},
				}},
			},
		},
		&istionetworkingv1beta1.VirtualService{
			ObjectMeta: metav1.ObjectMeta{Namespace: "garden", Name: "nginx-ingress"},
			Spec: istioapinetworkingv1beta1.VirtualService{
				Hosts:    []string{wildcardHost},
				Gateways: []string{"nginx-ingress"},
				Tls: []*istioapinetworkingv1beta1.TLSRoute{{
					Match: []*istioapinetworkingv1beta1.TLSMatchAttributes{{Port: 443, SniHosts: []string{wildcardHost}}},
					Route: []*istioapinetworkingv1beta1.RouteDestination{{Destination: &istioapinetworkingv1beta1.Destination{
						Host: "nginx-ingress-controller.garden.svc.cluster.local", Port: &istioapinetworkingv1beta1.PortSelector{Number: 443},
					}}},
				}},
			},
		},
		// An observability host with TLS termination (plutono's gateway since gardener v1.141).
		&istionetworkingv1beta1.Gateway{
			ObjectMeta: metav1.ObjectMeta{Namespace: shootNamespace, Name: "plutono"},
			Spec: istioapinetworkingv1beta1.Gateway{
				Selector: gatewayLabels,
				Servers: []*istioapinetworkingv1beta1.Server{{
					Hosts: []string{plutonoHost},
					Port:  &istioapinetworkingv1beta1.Port{Name: "https", Number: 443, Protocol: "HTTPS"},
					Tls:   &istioapinetworkingv1beta1.ServerTLSSettings{Mode: istioapinetworkingv1beta1.ServerTLSSettings_SIMPLE, CredentialName: "plutono-tls"},
				}},
			},
		},
		&istionetworkingv1beta1.VirtualService{
			ObjectMeta: metav1.ObjectMeta{Namespace: shootNamespace, Name: "plutono"},
			Spec: istioapinetworkingv1beta1.VirtualService{
				Hosts:    []string{plutonoHost},
				Gateways: []string{"plutono"},
				Http: []*istioapinetworkingv1beta1.HTTPRoute{{
					Route: []*istioapinetworkingv1beta1.HTTPRouteDestination{{Destination: &istioapinetworkingv1beta1.Destination{
						Host: "plutono." + shootNamespace + ".svc.cluster.local", Port: &istioapinetworkingv1beta1.PortSelector{Number: 3000},
					}}},
				}},
			},
		},
		// The shared HTTP CONNECT listener (istio-ingress's http-proxy-gateway.yaml and http-proxy-envoy-filter.yaml).
		&istionetworkingv1beta1.Gateway{
			ObjectMeta: metav1.ObjectMeta{Namespace: ingressNamespace, Name: "http-proxy"},
			Spec: istioapinetworkingv1beta1.Gateway{
				Selector: gatewayLabels,
				Servers: []*istioapinetworkingv1beta1.Server{{
					Hosts: []string{"non-existing-blackhole.garden.svc.cluster.local"},
					Port:  &istioapinetworkingv1beta1.Port{Name: "http-proxy", Number: 8443, Protocol: "HTTP"},
				}},
			},
		},
		httpProxyEnvoyFilter(),
	}
}

// httpProxyEnvoyFilter is gardener's http-proxy EnvoyFilter: it merges a route configuration into the HTTP connection
// manager of port 8443 that sends CONNECT requests to the cluster named by X-Gardener-Destination.
func httpProxyEnvoyFilter() *istionetworkingv1alpha3.EnvoyFilter {
	value, err := structpb.NewStruct(map[string]any{
		"name": "envoy.filters.network.http_connection_manager",
		"typed_config": map[string]any{
			"@type":                 "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
			"http_protocol_options": map[string]any{"accept_http_10": true},
			"upgrade_configs":       []any{map[string]any{"upgrade_type": "CONNECT"}},
			"route_config": map[string]any{"virtual_hosts": []any{map[string]any{
				"name":    "http-proxy",
				"domains": []any{"*"},
				"routes": []any{
					map[string]any{
						"match": map[string]any{
							"connect_matcher": map[string]any{},
							"headers": []any{map[string]any{"name": "X-Gardener-Destination", "string_match": map[string]any{"safe_regex": map[string]any{
								"regex": `^(outbound\|(1194\|\|vpn-seed-server(-[0-4])?|443\|\|kube-apiserver)\..*\.svc\.cluster\.local|(shoot-[a-z0-9]+(-[a-z0-9]+)*|shoot--[a-z0-9]+(-[a-z0-9]+)*--[a-z0-9]+(-[a-z0-9]+)*)--kube-apiserver-socket)$`,
							}}}},
						},
						"route": map[string]any{
							"cluster_header":  "X-Gardener-Destination",
							"upgrade_configs": []any{map[string]any{"upgrade_type": "CONNECT", "connect_config": map[string]any{}}},
						},
					},
					map[string]any{"match": map[string]any{"connect_matcher": map[string]any{}}, "redirect": map[string]any{"https_redirect": true, "port_redirect": 443}},
					map[string]any{"match": map[string]any{"prefix": "/"}, "redirect": map[string]any{"https_redirect": true, "port_redirect": 443}},
				},
			}}},
		},
	})
	Expect(err).NotTo(HaveOccurred())
	return &istionetworkingv1alpha3.EnvoyFilter{
		ObjectMeta: metav1.ObjectMeta{Namespace: ingressNamespace, Name: "http-proxy"},
		Spec: istioapinetworkingv1alpha3.EnvoyFilter{
			WorkloadSelector: &istioapinetworkingv1alpha3.WorkloadSelector{Labels: gatewayLabels},
			ConfigPatches: []*istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch{{
				ApplyTo: istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER,
				Match: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch{
					Context: istioapinetworkingv1alpha3.EnvoyFilter_GATEWAY,
					ObjectTypes: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch_Listener{Listener: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch{
						PortNumber:  8443,
						FilterChain: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch_FilterChainMatch{Filter: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch_FilterMatch{Name: "envoy.filters.network.http_connection_manager"}},
					}},
				},
				Patch: &istioapinetworkingv1alpha3.EnvoyFilter_Patch{Operation: istioapinetworkingv1alpha3.EnvoyFilter_Patch_MERGE, Value: value},
			}},
		},
	}
}

// allowRules admits the prefixes and nothing else.
func allowRules(prefixes ...string) *rbacconfigv3.RBAC {
	var principals []*rbacconfigv3.Principal
	for _, p := range prefixes {
		prefix := netip.MustParsePrefix(p)
		principals = append(principals, &rbacconfigv3.Principal{Identifier: &rbacconfigv3.Principal_RemoteIp{RemoteIp: &corev3.CidrRange{
			AddressPrefix: prefix.Addr().String(), PrefixLen: wrapperspb.UInt32(uint32(prefix.Bits())),
		}}})
	}
	return &rbacconfigv3.RBAC{Action: rbacconfigv3.RBAC_ALLOW, Policies: map[string]*rbacconfigv3.Policy{"allowed": {
		Permissions: []*rbacconfigv3.Permission{{Rule: &rbacconfigv3.Permission_Any{Any: true}}},
		Principals:  principals,
	}}}
}

func networkRBAC(statPrefix string, rules *rbacconfigv3.RBAC) *rbacnetworkv3.RBAC {
	return &rbacnetworkv3.RBAC{StatPrefix: statPrefix, Rules: rules}
}

func networkRBACShadowOnly() *rbacnetworkv3.RBAC {
	return &rbacnetworkv3.RBAC{StatPrefix: "shadow_", ShadowRules: allowRules(allowedClient + "/32")}
}

func httpRBAC(statPrefix string, rules *rbacconfigv3.RBAC) *rbachttpv3.RBAC {
	return &rbachttpv3.RBAC{RulesStatPrefix: statPrefix, Rules: rules}
}

// envoyFilter returns an EnvoyFilter in the ingress namespace that selects the gateway.
func envoyFilter(name string, patches ...*istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch) *istionetworkingv1alpha3.EnvoyFilter {
	return &istionetworkingv1alpha3.EnvoyFilter{
		ObjectMeta: metav1.ObjectMeta{Namespace: ingressNamespace, Name: name},
		Spec: istioapinetworkingv1alpha3.EnvoyFilter{
			WorkloadSelector: &istioapinetworkingv1alpha3.WorkloadSelector{Labels: gatewayLabels},
			ConfigPatches:    patches,
		},
	}
}

// sniPatch inserts a network filter first into the chains of port 9443 that serve sni.
func sniPatch(sni string, filter proto.Message) *istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch {
	value, err := envoyfilter.PatchValue(pilot.NetworkRBACFilterName, filter)
	Expect(err).NotTo(HaveOccurred())
	return &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch{
		ApplyTo: istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER,
		Match: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch{
			Context: istioapinetworkingv1alpha3.EnvoyFilter_GATEWAY,
			ObjectTypes: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch_Listener{Listener: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch{
				PortNumber:  9443,
				FilterChain: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch_FilterChainMatch{Sni: sni},
			}},
		},
		Patch: &istioapinetworkingv1alpha3.EnvoyFilter_Patch{Operation: istioapinetworkingv1alpha3.EnvoyFilter_Patch_INSERT_FIRST, Value: value},
	}
}

// beforeRouterPatch inserts an HTTP filter before the router of the HTTP connection manager of port.
func beforeRouterPatch(port uint32, filter proto.Message) *istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch {
	value, err := envoyfilter.PatchValue(pilot.HTTPRBACFilterName, filter)
	Expect(err).NotTo(HaveOccurred())
	return &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch{
		ApplyTo: istioapinetworkingv1alpha3.EnvoyFilter_HTTP_FILTER,
		Match: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch{
			Context: istioapinetworkingv1alpha3.EnvoyFilter_GATEWAY,
			ObjectTypes: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch_Listener{Listener: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch{
				PortNumber: port,
				FilterChain: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch_FilterChainMatch{Filter: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch_FilterMatch{
					Name:      "envoy.filters.network.http_connection_manager",
					SubFilter: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch_SubFilterMatch{Name: "envoy.filters.http.router"},
				}},
			}},
		},
		Patch: &istioapinetworkingv1alpha3.EnvoyFilter_Patch{Operation: istioapinetworkingv1alpha3.EnvoyFilter_Patch_INSERT_BEFORE, Value: value},
	}
}
