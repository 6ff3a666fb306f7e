// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"time"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

var _ = Describe("Shoots sharing a seed", Ordered, func() {
	const (
		defaultIngress = "istio-ingress"
		zoneIngress    = "istio-ingress--a"
		allowOnly      = `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`
	)
	// Shoots pinned to zone a: their kube-apiservers share the zonal ingress gateway of zone a, their observability
	// endpoints the seed's default gateway.
	inZoneA := func(name, providerConfig string) testenv.ShootFixture {
		return testenv.ShootFixture{Seed: seedLayout, Shoot: gardenerseed.Shoot{Name: name, Zone: "a"}, ProviderConfig: providerConfig}
	}
	first, second := inZoneA("first", allowOnly), inZoneA("second", `{"rule":{"action":"DENY","type":"remote_ip","cidrs":["0.0.0.0/0"]}}`)
	sleepy := inZoneA("sleepy", allowOnly)
	sleepy.Hibernated = true
	var firstExtension, secondExtension *extensionsv1alpha1.Extension

	filter := func(ctx context.Context, g Gomega, namespace, technicalID string) *istionetworkingv1alpha3.EnvoyFilter {
		f := &istionetworkingv1alpha3.EnvoyFilter{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: "acl-" + technicalID}, f)).To(Succeed())
		return f
	}
	filterIn := func(ctx context.Context, namespace, technicalID string) func(Gomega) {
		return func(g Gomega) { filter(ctx, g, namespace, technicalID) }
	}
	goneFrom := func(ctx context.Context, namespace, technicalID string) func(Gomega) {
		return func(g Gomega) {
			err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: "acl-" + technicalID}, &istionetworkingv1alpha3.EnvoyFilter{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "EnvoyFilter still present: %v", err)
		}
	}

	BeforeAll(func(ctx context.Context) {
		gateway, err := first.IngressGateway(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(gateway.Namespace).To(Equal(zoneIngress))

		firstExtension, err = first.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())
		secondExtension, err = second.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())

		for _, shoot := range []testenv.ShootFixture{first, second} {
			Eventually(filterIn(ctx, zoneIngress, shoot.TechnicalID())).WithTimeout(30 * time.Second).Should(Succeed())
			Eventually(filterIn(ctx, defaultIngress, shoot.TechnicalID())).WithTimeout(30 * time.Second).Should(Succeed())
		}
	})

	It("keeps each shoot's filters to its own hosts and destinations", func(ctx context.Context) {
		for _, shoot := range []testenv.ShootFixture{first, second} {
			zonal := filter(ctx, Default, zoneIngress, shoot.TechnicalID())
			Expect(sniMatches(zonal)).To(Equal([]string{shoot.Shoot.InternalAPIServerHost()}))
			Expect(sniMatches(filter(ctx, Default, defaultIngress, shoot.TechnicalID()))).To(Equal([]string{shoot.Shoot.IngressHost(seedLayout, "gu"), shoot.Shoot.IngressHost(seedLayout, "p")}))

			// Its requests on the shared listeners are the shared slots' (shared_test.go).
			Eventually(func(g Gomega) {
				g.Expect(sharedListenerPorts(filter(ctx, g, zoneIngress, shoot.TechnicalID()))).To(BeEmpty())
			}).WithTimeout(30 * time.Second).Should(Succeed())
		}
	})

	It("follows new egress CIDRs of the shoot's Infrastructure", func(ctx context.Context) {
		// gardenlet creates the Infrastructure; its provider extension reports the egress CIDRs in its status.
		infrastructure := &extensionsv1alpha1.Infrastructure{
			ObjectMeta: metav1.ObjectMeta{Name: "first", Namespace: first.TechnicalID()},
			Spec:       extensionsv1alpha1.InfrastructureSpec{DefaultSpec: extensionsv1alpha1.DefaultSpec{Type: "local"}, Region: "local", SecretRef: corev1.SecretReference{Name: "cloudprovider", Namespace: first.TechnicalID()}},
		}
		Expect(c.Create(ctx, infrastructure)).To(Succeed())
		patch := client.MergeFrom(infrastructure.DeepCopy())
		infrastructure.Status.EgressCIDRs = []string{"203.0.113.77/32"}
		Expect(c.Status().Patch(ctx, infrastructure, patch)).To(Succeed())

		Eventually(func(g Gomega) {
			g.Expect(principalsOfFirstPatch(filter(ctx, g, zoneIngress, first.TechnicalID()))).To(ContainElement("203.0.113.77"))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("moves the filters when the shoot moves to another ingress gateway, and leaves no stale filter", func(ctx context.Context) {
		// A shoot that becomes highly available across zones leaves its zone's gateway for the seed's default one.
		moved := first
		moved.Shoot.Zone, moved.Shoot.HighAvailability = "", true
		gateway, err := moved.IngressGateway(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(gateway.Namespace).To(Equal(defaultIngress))
		Expect(moved.ApplyControlPlane(ctx, c)).To(Succeed())

		Eventually(func(g Gomega) {
			g.Expect(sniMatches(filter(ctx, g, defaultIngress, first.TechnicalID()))).To(ContainElement(first.Shoot.InternalAPIServerHost()))
		}).WithTimeout(30 * time.Second).Should(Succeed())
		Eventually(goneFrom(ctx, zoneIngress, first.TechnicalID())).WithTimeout(30 * time.Second).Should(Succeed())
		Consistently(filterIn(ctx, zoneIngress, second.TechnicalID())).WithTimeout(2 * time.Second).Should(Succeed())
	})

	It("keeps the filters on migration and re-creates their ManagedResource on restore", func(ctx context.Context) {
		// The suite's controller ignores the operation annotation (it reconciles every spec change), so the test plays
		// the generic reconciler's part and calls the actuator as it does for gardener's migrate and restore operations.
		// It also records the last operation as that reconciler does, so that the running controller, which reacts to
		// the ManagedResource's deletion, sees a migration in progress and then a migrated Extension, and keeps off.
		actuator := aclcontroller.NewActuator(mgrClient, events.NewFakeRecorder(10), controllerConfig)
		Expect(c.Get(ctx, client.ObjectKeyFromObject(secondExtension), secondExtension)).To(Succeed())
		setLastOperation := func(operation gardencorev1beta1.LastOperationType, state gardencorev1beta1.LastOperationState) {
			patch := client.MergeFrom(secondExtension.DeepCopy())
			secondExtension.Status.LastOperation = &gardencorev1beta1.LastOperation{Type: operation, State: state, LastUpdateTime: metav1.Now()}
			Expect(c.Status().Patch(ctx, secondExtension, patch)).To(Succeed())
		}
		managedResourceGone := func() bool {
			return apierrors.IsNotFound(c.Get(ctx, client.ObjectKey{Namespace: second.TechnicalID(), Name: constants.ManagedResourceName}, &resourcesv1alpha1.ManagedResource{}))
		}

		setLastOperation(gardencorev1beta1.LastOperationTypeMigrate, gardencorev1beta1.LastOperationStateProcessing)
		Expect(actuator.Migrate(ctx, GinkgoLogr, secondExtension.DeepCopy())).To(Succeed())
		setLastOperation(gardencorev1beta1.LastOperationTypeMigrate, gardencorev1beta1.LastOperationStateSucceeded)
		Expect(managedResourceGone()).To(BeTrue())
		Consistently(managedResourceGone).WithTimeout(2*time.Second).Should(BeTrue(), "the controller does not undo a migration")
		Consistently(filterIn(ctx, zoneIngress, second.TechnicalID())).WithTimeout(2 * time.Second).Should(Succeed())

		setLastOperation(gardencorev1beta1.LastOperationTypeRestore, gardencorev1beta1.LastOperationStateProcessing)
		Eventually(func(g Gomega) {
			g.Expect(actuator.Restore(ctx, GinkgoLogr, secondExtension.DeepCopy())).To(Succeed())
		}).WithTimeout(10 * time.Second).Should(Succeed())
		setLastOperation(gardencorev1beta1.LastOperationTypeRestore, gardencorev1beta1.LastOperationStateSucceeded)
		Expect(c.Get(ctx, client.ObjectKey{Namespace: second.TechnicalID(), Name: constants.ManagedResourceName}, &resourcesv1alpha1.ManagedResource{})).To(Succeed())
		Eventually(filterIn(ctx, zoneIngress, second.TechnicalID())).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("reports a shoot with workers whose egress CIDRs are unknown, and still protects it", func(ctx context.Context) {
		third := inZoneA("third", allowOnly)
		third.EgressUnknown = true
		extension, err := third.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())

		Eventually(filterIn(ctx, zoneIngress, third.TechnicalID())).WithTimeout(30 * time.Second).Should(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
			g.Expect(extension.Status.ProviderStatus).NotTo(BeNil())
			g.Expect(string(extension.Status.ProviderStatus.Raw)).To(ContainSubstring(`"egressUnknown":true`))

			eventList := &eventsv1.EventList{}
			g.Expect(c.List(ctx, eventList, client.InNamespace(third.TechnicalID()))).To(Succeed())
			g.Expect(eventList.Items).To(ContainElement(And(
				HaveField("Reason", "EgressUnknown"), HaveField("Type", corev1.EventTypeWarning),
				HaveField("Regarding.Name", extension.Name),
			)))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("protects hibernated and workerless shoots like any other, without expecting egress CIDRs of a workerless one", func(ctx context.Context) {
		lean := inZoneA("lean", allowOnly)
		lean.Workerless = true
		for _, fixture := range []testenv.ShootFixture{sleepy, lean} {
			extension, err := fixture.CreateWithoutIngress(ctx, c)
			Expect(err).NotTo(HaveOccurred())

			Eventually(filterIn(ctx, zoneIngress, fixture.TechnicalID())).WithTimeout(30 * time.Second).Should(Succeed())
			Eventually(func(g Gomega) {
				g.Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
				g.Expect(extension.Status.ProviderStatus).NotTo(BeNil())
				g.Expect(string(extension.Status.ProviderStatus.Raw)).NotTo(ContainSubstring("egressUnknown"))
			}).WithTimeout(30 * time.Second).Should(Succeed())
		}
	})

	It("keeps a waking shoot's nodes admitted, with the egress addresses it has after the wake-up", func(ctx context.Context) {
		// New machines, new egress addresses: gardenlet syncs the woken Shoot into the Cluster.
		awake := sleepy
		awake.Hibernated = false
		awake.Shoot.Mutate = func(shoot *gardencorev1beta1.Shoot) {
			shoot.Status.Networking = &gardencorev1beta1.NetworkingStatus{EgressCIDRs: []string{"198.51.100.99/32"}}
		}
		Expect(awake.ApplyControlPlane(ctx, c)).To(Succeed())

		Eventually(func(g Gomega) {
			principals := principalsOfFirstPatch(filter(ctx, g, zoneIngress, sleepy.TechnicalID()))
			g.Expect(principals).To(ContainElements("198.51.100.99", "10.250.0.0", "192.0.2.0"))
			g.Expect(principals).NotTo(ContainElement("198.51.100.10"), "the egress address of before the hibernation is gone")
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("removes one shoot's filters without touching the other's", func(ctx context.Context) {
		Expect(c.Delete(ctx, firstExtension)).To(Succeed())
		Eventually(goneFrom(ctx, defaultIngress, first.TechnicalID())).WithTimeout(time.Minute).Should(Succeed())
		Consistently(filterIn(ctx, zoneIngress, second.TechnicalID())).WithTimeout(2 * time.Second).Should(Succeed())
		Consistently(filterIn(ctx, defaultIngress, second.TechnicalID())).WithTimeout(2 * time.Second).Should(Succeed())
	})
})
