// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"time"

	v1beta1helper "github.com/gardener/gardener/pkg/api/core/v1beta1/helper"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
)

var _ = Describe("The seed's monitoring", func() {
	It("gets the extension's alerts, federation and dashboard through gardener-resource-manager, valid for the real prometheus-operator CRDs", func(ctx context.Context) {
		// gardener-resource-manager applies the objects to a kube-apiserver that has the CRDs gardenlet installs
		// (prometheusoperator.NewCRDs): an object their schemas refuse leaves ResourcesApplied false.
		Eventually(func(g Gomega) {
			managedResource := &resourcesv1alpha1.ManagedResource{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: extensionNamespace, Name: aclcontroller.MonitoringManagedResourceName}, managedResource)).To(Succeed())
			g.Expect(managedResource.Status.ObservedGeneration).To(Equal(managedResource.Generation))
			condition := v1beta1helper.GetCondition(managedResource.Status.Conditions, resourcesv1alpha1.ResourcesApplied)
			g.Expect(condition).NotTo(BeNil())
			g.Expect(condition.Status).To(Equal(gardencorev1beta1.ConditionTrue), condition.Message)
		}).WithContext(ctx).Should(Succeed())

		seedClient, err := client.New(seed.Config, client.Options{Scheme: kubernetes.SeedScheme})
		Expect(err).NotTo(HaveOccurred())
		for _, want := range aclcontroller.MonitoringObjects(extensionNamespace) {
			got := want.DeepCopyObject().(client.Object)
			Expect(seedClient.Get(ctx, client.ObjectKeyFromObject(want), got)).To(Succeed(), "%T %s", want, client.ObjectKeyFromObject(want))
			for key, value := range want.GetLabels() {
				Expect(got.GetLabels()).To(HaveKeyWithValue(key, value))
			}
			switch typed := want.(type) {
			case *monitoringv1.PrometheusRule:
				Expect(got.(*monitoringv1.PrometheusRule).Spec).To(Equal(typed.Spec))
			case *monitoringv1alpha1.ScrapeConfig:
				Expect(got.(*monitoringv1alpha1.ScrapeConfig).Spec).To(Equal(typed.Spec))
			case *corev1.ConfigMap:
				Expect(got.(*corev1.ConfigMap).Data).To(Equal(typed.Data))
			default:
				Fail("unexpected monitoring object " + client.ObjectKeyFromObject(want).String())
			}
		}
	}, SpecTimeout(2*time.Minute))
})
