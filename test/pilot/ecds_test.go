// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

// extensionConfigPatch adds an ECDS resource of the given name.
func extensionConfigPatch(name string, filter proto.Message) *istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch {
	value, err := envoyfilter.PatchValue(name, filter)
	Expect(err).NotTo(HaveOccurred())
	return &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch{
		ApplyTo: istioapinetworkingv1alpha3.EnvoyFilter_EXTENSION_CONFIG,
		Patch:   &istioapinetworkingv1alpha3.EnvoyFilter_Patch{Operation: istioapinetworkingv1alpha3.EnvoyFilter_Patch_ADD, Value: value},
	}
}

// discoveredFilter is the value of a filter whose configuration comes from ECDS.
func discoveredFilter(name, typeURL string) *structpb.Struct {
	value, err := structpb.NewStruct(map[string]any{
		"name": name,
		"config_discovery": map[string]any{
			"config_source": map[string]any{"ads": map[string]any{}},
			"type_urls":     []any{typeURL},
		},
	})
	Expect(err).NotTo(HaveOccurred())
	return value
}

var _ = Describe("ECDS", func() {
	It("returns the extension configs that listeners reference, and Decide uses them", func() {
		sni := sniPatch(apiHost, networkRBAC("unused", allowRules()))
		sni.Patch.Value = discoveredFilter("acl-shoot--foo--bar", "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC")
		http := beforeRouterPatch(8443, httpRBAC("unused", allowRules()))
		http.Patch.Value = discoveredFilter("acl-http-shoot--foo--bar", "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC")
		config := generate(envoyFilter("acl",
			extensionConfigPatch("acl-shoot--foo--bar", networkRBAC("acl_ecds_", allowRules(allowedClient+"/32"))),
			extensionConfigPatch("acl-http-shoot--foo--bar", httpRBAC("acl_ecds_http_", allowRules(allowedClient+"/32"))),
			// An extension config no listener references is not sent: Envoy does not ask for it.
			extensionConfigPatch("unreferenced", networkRBAC("x", allowRules())),
			sni, http,
		))
		Expect(config.Warnings).To(BeEmpty())
		Expect(pilot.FilterNames(config.ExtensionConfigs)).To(Equal([]string{"acl-http-shoot--foo--bar", "acl-shoot--foo--bar"}))

		c := chain(config, pilot.TLSConnection(9443, apiHost))
		Expect(pilot.NetworkFilters(c)[0].GetConfigDiscovery()).NotTo(BeNil())
		decision, err := config.Decide(c, from(deniedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeFalse())
		Expect(pilot.StatPrefixes(decision.Ran)).To(Equal([]string{"acl_ecds_"}))

		decision, err = config.Decide(chain(config, pilot.Connection{Port: 8443}), from(deniedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeFalse())
		Expect(pilot.StatPrefixes(decision.Ran)).To(Equal([]string{"acl_ecds_http_"}))
	})
})
