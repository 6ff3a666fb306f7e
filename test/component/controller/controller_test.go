// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"encoding/json"
	"time"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/managedresourcedata"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

var _ = Describe("gardener-extension-acl", func() {
	It("renews its heartbeat lease", func(ctx context.Context) {
		lease := &coordinationv1.Lease{}
		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: heartbeatNamespace, Name: "gardener-extension-heartbeat"}, lease)).To(Succeed())
			g.Expect(lease.Spec.HolderIdentity).To(HaveValue(Equal("gardener-extension-acl")))
		}).WithTimeout(30 * time.Second).Should(Succeed())
		first := lease.Spec.RenewTime.Time
		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKeyFromObject(lease), lease)).To(Succeed())
			g.Expect(lease.Spec.RenewTime.Time).To(BeTemporally(">", first))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("deploys the seed's monitoring objects with the chart's permissions", func(ctx context.Context) {
		Eventually(func(g Gomega) {
			managedResource := &resourcesv1alpha1.ManagedResource{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: heartbeatNamespace, Name: aclcontroller.MonitoringManagedResourceName}, managedResource)).To(Succeed())
			g.Expect(managedResource.Spec.SecretRefs).NotTo(BeEmpty())
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("serves its health endpoints", func() {
		Expect(testenv.CheckHealth(healthURL)).To(Succeed())
	})

	It("reconciles an acl Extension into a ManagedResource and checks its health", func(ctx context.Context) {
		fixture := testenv.ShootFixture{
			Shoot:          gardenerseed.Shoot{Name: "cmd"},
			ProviderConfig: `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["203.0.113.0/24"]}}`,
		}
		extension, err := fixture.Create(ctx, c)
		Expect(err).NotTo(HaveOccurred())

		Eventually(func(g Gomega) {
			managedResource := &resourcesv1alpha1.ManagedResource{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: extension.Namespace, Name: constants.ManagedResourceName}, managedResource)).To(Succeed())
			g.Expect(managedResource.Spec.SecretRefs).To(HaveLen(1))
			secret := &corev1.Secret{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: extension.Namespace, Name: managedResource.Spec.SecretRefs[0].Name}, secret)).To(Succeed())
			filters, err := managedresourcedata.EnvoyFilters(secret.Data)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(filters).To(ConsistOf(HaveField("ObjectMeta", And(HaveField("Name", "acl-shoot--dev--cmd"), HaveField("Namespace", "istio-ingress")))))
			spec, err := json.Marshal(&filters[0].Spec)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(string(spec)).To(And(ContainSubstring(`"sni":"`+fixture.Shoot.InternalAPIServerHost()+`"`), ContainSubstring(`"address_prefix":"172.16.0.0"`)))

			g.Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
			g.Expect(extension.Status.LastOperation).NotTo(BeNil())
			g.Expect(extension.Status.LastOperation.State).To(Equal(gardencorev1beta1.LastOperationStateSucceeded))
		}).WithTimeout(30 * time.Second).Should(Succeed())

		// The gateway reconciler writes the shared listeners' slots of the shoot's ingress gateway into the controller's
		// own namespace, with the chart's permissions.
		Eventually(func(g Gomega) {
			managedResource := &resourcesv1alpha1.ManagedResource{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: heartbeatNamespace, Name: aclcontroller.SharedManagedResourceName("istio-ingress")}, managedResource)).To(Succeed())
			// One secret for the insertions and one per shard of the slots (envoyfilter.RenderSharedGroups).
			g.Expect(managedResource.Spec.SecretRefs).To(HaveLen(1 + envoyfilter.SharedListenerShards))
			var names []string
			for _, ref := range managedResource.Spec.SecretRefs {
				secret := &corev1.Secret{}
				g.Expect(c.Get(ctx, client.ObjectKey{Namespace: heartbeatNamespace, Name: ref.Name}, secret)).To(Succeed())
				filters, err := managedresourcedata.EnvoyFilters(secret.Data)
				g.Expect(err).NotTo(HaveOccurred())
				for _, filter := range filters {
					g.Expect(filter.Namespace).To(Equal("istio-ingress"))
					names = append(names, filter.Name)
				}
			}
			g.Expect(names).To(ContainElements("acl-shared", "acl-8443-f0-s0", "acl-8443-f7-s7"))
		}).WithTimeout(30 * time.Second).Should(Succeed())

		// No resource manager runs here, so the ManagedResource is never applied: the health check must say so.
		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
			g.Expect(extension.Status.Conditions).To(ContainElement(And(
				HaveField("Type", gardencorev1beta1.ShootControlPlaneHealthy),
				HaveField("Status", Not(Equal(gardencorev1beta1.ConditionTrue))),
			)))
		}).WithTimeout(time.Minute).Should(Succeed())
	})

	It("removes the ManagedResource and its secret when the Extension is deleted, with the chart's permissions", func(ctx context.Context) {
		extension, err := testenv.ShootFixture{
			Shoot:          gardenerseed.Shoot{Name: "gone"},
			ProviderConfig: `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["203.0.113.0/24"]}}`,
		}.Create(ctx, c)
		Expect(err).NotTo(HaveOccurred())
		managedResource := &resourcesv1alpha1.ManagedResource{}
		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: extension.Namespace, Name: constants.ManagedResourceName}, managedResource)).To(Succeed())
		}).WithTimeout(30 * time.Second).Should(Succeed())
		secretName := managedResource.Spec.SecretRefs[0].Name

		Expect(c.Delete(ctx, extension)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(extension), extension))).To(BeTrue(), "the finalizer is removed")
			g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(managedResource), managedResource))).To(BeTrue())
			g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKey{Namespace: extension.Namespace, Name: secretName}, &corev1.Secret{}))).To(BeTrue())
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})
})
