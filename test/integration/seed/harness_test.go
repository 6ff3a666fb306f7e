// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package seed_test

import (
	"context"
	"os"
	"path/filepath"

	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/mod/modfile"
	"google.golang.org/protobuf/types/known/structpb"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

var _ = Describe("Seed test harness", func() {
	It("runs a real kube-apiserver built from Go modules", func() {
		discoveryClient, err := discovery.NewDiscoveryClientForConfig(seed.Config)
		Expect(err).NotTo(HaveOccurred())
		version, err := discoveryClient.ServerVersion()
		Expect(err).NotTo(HaveOccurred())
		Expect(version.GitVersion).To(Equal(envtestKubernetesVersion()))
	})

	It("serves the CRDs gardenlet installs into a seed", func(ctx context.Context) {
		for _, name := range []string{
			"extensions.extensions.gardener.cloud",
			"clusters.extensions.gardener.cloud",
			"infrastructures.extensions.gardener.cloud",
			"managedresources.resources.gardener.cloud",
			"envoyfilters.networking.istio.io",
			"gateways.networking.istio.io",
		} {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			Expect(seed.Client.Get(ctx, client.ObjectKey{Name: name}, crd)).To(Succeed(), name)
		}

		Expect(seed.Client.List(ctx, &extensionsv1alpha1.ExtensionList{})).To(Succeed())
		Expect(seed.Client.List(ctx, &resourcesv1alpha1.ManagedResourceList{})).To(Succeed())
	})

	It("stores an EnvoyFilter and reads it back unchanged", func(ctx context.Context) {
		namespace := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "istio-ingress-"}}
		Expect(seed.Client.Create(ctx, namespace)).To(Succeed())

		value, err := structpb.NewStruct(map[string]any{"name": "acl-smoke"})
		Expect(err).NotTo(HaveOccurred())
		filter := &istionetworkingv1alpha3.EnvoyFilter{
			ObjectMeta: metav1.ObjectMeta{Name: "acl-smoke", Namespace: namespace.Name},
			Spec: istioapinetworkingv1alpha3.EnvoyFilter{
				WorkloadSelector: &istioapinetworkingv1alpha3.WorkloadSelector{Labels: map[string]string{"app": "istio-ingressgateway"}},
				ConfigPatches: []*istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch{{
					ApplyTo: istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER,
					Match: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch{
						Context: istioapinetworkingv1alpha3.EnvoyFilter_GATEWAY,
					},
					Patch: &istioapinetworkingv1alpha3.EnvoyFilter_Patch{
						Operation: istioapinetworkingv1alpha3.EnvoyFilter_Patch_INSERT_FIRST,
						Value:     value,
					},
				}},
			},
		}
		Expect(seed.Client.Create(ctx, filter)).To(Succeed())

		read := &istionetworkingv1alpha3.EnvoyFilter{}
		Expect(seed.Client.Get(ctx, client.ObjectKeyFromObject(filter), read)).To(Succeed())
		Expect(read.Spec.WorkloadSelector.Labels).To(HaveKeyWithValue("app", "istio-ingressgateway"))
		Expect(read.Spec.ConfigPatches).To(HaveLen(1))
		Expect(read.Spec.ConfigPatches[0].ApplyTo).To(Equal(istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER))
		Expect(read.Spec.ConfigPatches[0].Patch.Value.AsMap()).To(HaveKeyWithValue("name", "acl-smoke"))
	})

	It("rejects an EnvoyFilter that violates the istio CRD schema", func(ctx context.Context) {
		invalid := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "networking.istio.io/v1alpha3",
			"kind":       "EnvoyFilter",
			"metadata":   map[string]any{"name": "acl-invalid", "namespace": "default"},
			"spec": map[string]any{"configPatches": []any{map[string]any{
				"applyTo": "NOT_A_TARGET",
				"patch":   map[string]any{"operation": "MERGE", "value": map[string]any{}},
			}}},
		}}
		err := seed.Client.Create(ctx, invalid)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "expected an Invalid error from the CRD schema, got %v", err)
	})
})

// envtestKubernetesVersion returns the version of k8s.io/kubernetes that hack/prepare-envtest.sh builds the
// kube-apiserver from: the one hack/tools/envtest/go.mod requires, where the version is pinned.
func envtestKubernetesVersion() string {
	content, err := os.ReadFile(filepath.Join("..", "..", "..", "hack", "tools", "envtest", "go.mod"))
	Expect(err).NotTo(HaveOccurred())
	module, err := modfile.ParseLax("go.mod", content, nil)
	Expect(err).NotTo(HaveOccurred())
	for _, require := range module.Require {
		if require.Mod.Path == "k8s.io/kubernetes" {
			return require.Mod.Version
		}
	}
	Fail("hack/tools/envtest/go.mod requires no k8s.io/kubernetes")
	return ""
}
