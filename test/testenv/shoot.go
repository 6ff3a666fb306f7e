// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	istioapinetworkingv1beta1 "istio.io/api/networking/v1beta1"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// IngressLabels select the istio ingress gateway of a ShootFixture.
var IngressLabels = map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway"}

// ShootFixture is what gardenlet and gardener's istio setup leave in a seed for one shoot with the acl extension: the
// control plane namespace with the kube-apiserver Gateway, the ingress gateway Service, the Cluster and the Extension.
type ShootFixture struct {
	// TechnicalID is the shoot's control plane namespace, e.g. shoot--dev--web.
	TechnicalID string
	// IngressNamespace is the istio ingress namespace.
	IngressNamespace string
	// Host is the hostname the shoot's kube-apiserver is served under.
	Host string
	// ProviderConfig is the acl providerConfig of the Extension.
	ProviderConfig string
	// IngressLabels select the ingress gateway; IngressLabels (the package variable) when empty.
	IngressLabels map[string]string
	// EgressUnknown leaves the egress CIDRs out of the Shoot's status, as for infrastructures that do not report them.
	EgressUnknown bool
	// Hibernated marks the Shoot as hibernated.
	Hibernated bool
	// Workerless gives the Shoot no worker pools.
	Workerless bool
}

func (f ShootFixture) ingressLabels() map[string]string {
	if len(f.IngressLabels) > 0 {
		return f.IngressLabels
	}
	return IngressLabels
}

// Create creates the fixture's objects, the ingress gateway Service included, and returns the Extension.
func (f ShootFixture) Create(ctx context.Context, c client.Client) (*extensionsv1alpha1.Extension, error) {
	return f.create(ctx, c, true)
}

// CreateWithoutIngress creates the fixture's objects for a shoot that shares an ingress gateway created before.
func (f ShootFixture) CreateWithoutIngress(ctx context.Context, c client.Client) (*extensionsv1alpha1.Extension, error) {
	return f.create(ctx, c, false)
}

func (f ShootFixture) create(ctx context.Context, c client.Client, withIngress bool) (*extensionsv1alpha1.Extension, error) {
	for _, name := range []string{f.TechnicalID, f.IngressNamespace} {
		if err := client.IgnoreAlreadyExists(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})); err != nil {
			return nil, fmt.Errorf("failed to create namespace %s: %w", name, err)
		}
	}

	ingressObjects := IngressGatewayObjects(f.IngressNamespace, f.ingressLabels())
	gateway := &istionetworkingv1beta1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-apiserver", Namespace: f.TechnicalID},
		Spec: istioapinetworkingv1beta1.Gateway{
			Selector: f.ingressLabels(),
			Servers:  []*istioapinetworkingv1beta1.Server{{Hosts: []string{f.Host}, Port: &istioapinetworkingv1beta1.Port{Number: 443, Name: "tls", Protocol: "TLS"}}},
		},
	}

	networkingStatus := &gardencorev1beta1.NetworkingStatus{EgressCIDRs: []string{"198.51.100.10/32"}}
	if f.EgressUnknown {
		networkingStatus = nil
	}
	shootObject := &gardencorev1beta1.Shoot{
		TypeMeta:   metav1.TypeMeta{APIVersion: "core.gardener.cloud/v1beta1", Kind: "Shoot"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "garden-dev"},
		Spec: gardencorev1beta1.ShootSpec{
			Networking:  &gardencorev1beta1.Networking{Nodes: ptr.To("10.180.0.0/16")},
			Provider:    gardencorev1beta1.Provider{Type: "local", Workers: []gardencorev1beta1.Worker{{Name: "pool"}}},
			Hibernation: &gardencorev1beta1.Hibernation{Enabled: ptr.To(f.Hibernated)},
		},
		Status: gardencorev1beta1.ShootStatus{TechnicalID: f.TechnicalID, Networking: networkingStatus, IsHibernated: f.Hibernated},
	}
	if f.Workerless {
		shootObject.Spec.Provider.Workers = nil
		shootObject.Spec.Networking = nil
	}
	shoot, err := json.Marshal(shootObject)
	if err != nil {
		return nil, err
	}
	seed, err := json.Marshal(&gardencorev1beta1.Seed{
		TypeMeta:   metav1.TypeMeta{APIVersion: "core.gardener.cloud/v1beta1", Kind: "Seed"},
		ObjectMeta: metav1.ObjectMeta{Name: "local"},
		Spec:       gardencorev1beta1.SeedSpec{Networks: gardencorev1beta1.SeedNetworks{Nodes: ptr.To("10.250.0.0/16"), Pods: "100.96.0.0/11", Services: "100.64.0.0/13"}},
	})
	if err != nil {
		return nil, err
	}
	cluster := &extensionsv1alpha1.Cluster{
		ObjectMeta: metav1.ObjectMeta{Name: f.TechnicalID},
		Spec: extensionsv1alpha1.ClusterSpec{
			CloudProfile: runtime.RawExtension{Raw: []byte(`{"apiVersion":"core.gardener.cloud/v1beta1","kind":"CloudProfile"}`)},
			Seed:         &runtime.RawExtension{Raw: seed},
			Shoot:        runtime.RawExtension{Raw: shoot},
		},
	}
	extension := &extensionsv1alpha1.Extension{
		ObjectMeta: metav1.ObjectMeta{Name: "acl", Namespace: f.TechnicalID},
		Spec: extensionsv1alpha1.ExtensionSpec{DefaultSpec: extensionsv1alpha1.DefaultSpec{
			Type: "acl", ProviderConfig: &runtime.RawExtension{Raw: []byte(f.ProviderConfig)},
		}},
	}

	objects := []client.Object{gateway, cluster, extension}
	if withIngress {
		objects = append(objects, ingressObjects...)
	}
	for _, object := range objects {
		if err := c.Create(ctx, object); err != nil {
			return nil, fmt.Errorf("failed to create %T %s: %w", object, client.ObjectKeyFromObject(object), err)
		}
	}
	return extension, nil
}

// IngressGatewayObjects returns a minimal copy of what gardener v1.150 renders for an ingress gateway whose pods carry
// labels: the Deployment istio-ingressgateway and two Services with the same selector, istio-ingressgateway
// (LoadBalancer, externalTrafficPolicy Local) and istio-ingressgateway-internal (ClusterIP), from
// pkg/component/networking/istio/charts/istio/istio-ingress/templates/{deployment,service,service-internal}.yaml.
// test/gardenerseed produces the real objects with gardener's own code; these suites still use this copy.
func IngressGatewayObjects(namespace string, labels map[string]string) []client.Object {
	objectLabels := maps.Clone(labels)
	objectLabels["app"] = "istio-ingressgateway"
	ports := []corev1.ServicePort{
		{Name: "tls", Port: 443, TargetPort: intstr.FromInt32(9443)},
		{Name: "http-proxy", Port: 8443, TargetPort: intstr.FromInt32(8443)},
	}
	return []client.Object{
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "istio-ingressgateway", Namespace: namespace, Labels: objectLabels},
			Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, ExternalTrafficPolicy: corev1.ServiceExternalTrafficPolicyLocal, Selector: labels, Ports: ports},
		},
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "istio-ingressgateway-internal", Namespace: namespace, Labels: objectLabels},
			Spec:       corev1.ServiceSpec{Selector: labels, Ports: ports},
		},
		&appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "istio-ingressgateway", Namespace: namespace, Labels: objectLabels},
			Spec: appsv1.DeploymentSpec{
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{
						Name: "istio-proxy", Image: "istio-proxy",
						Ports: []corev1.ContainerPort{{ContainerPort: 9443}, {ContainerPort: 8443}},
					}}},
				},
			},
		},
	}
}
