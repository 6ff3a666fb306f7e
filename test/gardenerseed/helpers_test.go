// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed_test

import (
	"context"
	"encoding/json"
	"time"

	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
)

// fixtureTimeout bounds a fixture call: the gardener components retry for minutes when something they wait for never
// happens, and a spec should fail instead.
const fixtureTimeout = time.Minute

func istioObjects(seed gardenerseed.Seed) []client.Object {
	ctx, cancel := context.WithTimeout(context.Background(), fixtureTimeout)
	defer cancel()
	objects, err := gardenerseed.Istio(ctx, seed)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return objects
}

func controlPlaneObjects(seed gardenerseed.Seed, shoot gardenerseed.Shoot) []client.Object {
	ctx, cancel := context.WithTimeout(context.Background(), fixtureTimeout)
	defer cancel()
	objects, err := gardenerseed.ControlPlane(ctx, seed, shoot)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return objects
}

// find returns the object of type T with the given namespace and name, or nil.
func find[T client.Object](objects []client.Object, namespace, name string) T {
	var zero T
	for _, obj := range gardenerseed.OfType[T](objects) {
		if obj.GetNamespace() == namespace && obj.GetName() == name {
			return obj
		}
	}
	return zero
}

// names returns namespace/name of the objects of type T in namespace.
func names[T client.Object](objects []client.Object, namespace string) []string {
	var result []string
	for _, obj := range gardenerseed.OfType[T](objects) {
		if obj.GetNamespace() == namespace {
			result = append(result, obj.GetName())
		}
	}
	return result
}

func service(objects []client.Object, namespace, name string) *corev1.Service {
	svc := find[*corev1.Service](objects, namespace, name)
	ExpectWithOffset(1, svc).NotTo(BeNil(), "Service %s/%s", namespace, name)
	return svc
}

func gateway(objects []client.Object, namespace, name string) *istionetworkingv1beta1.Gateway {
	gw := find[*istionetworkingv1beta1.Gateway](objects, namespace, name)
	ExpectWithOffset(1, gw).NotTo(BeNil(), "Gateway %s/%s", namespace, name)
	return gw
}

func envoyFilter(objects []client.Object, namespace, name string) *istionetworkingv1alpha3.EnvoyFilter {
	filter := find[*istionetworkingv1alpha3.EnvoyFilter](objects, namespace, name)
	ExpectWithOffset(1, filter).NotTo(BeNil(), "EnvoyFilter %s/%s", namespace, name)
	return filter
}

// patchValue returns the value of an EnvoyFilter config patch as generic JSON.
func patchValue(filter *istionetworkingv1alpha3.EnvoyFilter, index int) map[string]any {
	raw, err := json.Marshal(filter.Spec.ConfigPatches[index].Patch.Value)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	var value map[string]any
	ExpectWithOffset(1, json.Unmarshal(raw, &value)).To(Succeed())
	return value
}

// serverLayout is a Gateway server reduced to what the ACL filters depend on.
type serverLayout struct {
	Port           uint32
	PortName       string
	Protocol       string
	Hosts          []string
	TLSMode        string
	CredentialName string
}

func layout(gw *istionetworkingv1beta1.Gateway) []serverLayout {
	var servers []serverLayout
	for _, server := range gw.Spec.Servers {
		s := serverLayout{Port: server.Port.Number, PortName: server.Port.Name, Protocol: server.Port.Protocol, Hosts: server.Hosts}
		if server.Tls != nil {
			s.TLSMode = server.Tls.Mode.String()
			s.CredentialName = server.Tls.CredentialName
		}
		servers = append(servers, s)
	}
	return servers
}
