// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"encoding/json"
	"time"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

var _ = Describe("Shoots sharing a seed", Ordered, func() {
	const (
		sharedIngress = "istio-ingress-shared"
		zoneIngress   = "istio-ingress--zone--b"
	)
	var first, second *extensionsv1alpha1.Extension
	// Labels of their own keep this ingress apart from the one of the other suite in the same seed.
	sharedLabels := map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway-shared"}

	filterIn := func(ctx context.Context, namespace, technicalID string) func(Gomega) {
		return func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: "acl-" + technicalID}, &istionetworkingv1alpha3.EnvoyFilter{})).To(Succeed())
		}
	}
	goneFrom := func(ctx context.Context, namespace, technicalID string) func(Gomega) {
		return func(g Gomega) {
			err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: "acl-" + technicalID}, &istionetworkingv1alpha3.EnvoyFilter{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "EnvoyFilter still present: %v", err)
		}
	}

	BeforeAll(func(ctx context.Context) {
		var err error
		first, err = testenv.ShootFixture{TechnicalID: "shoot--dev--first", IngressNamespace: sharedIngress, Host: "api.first.dev.example.com", IngressLabels: sharedLabels,
			ProviderConfig: `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`}.Create(ctx, c)
		Expect(err).NotTo(HaveOccurred())

		// The second shoot uses the same ingress gateway; only its namespace and host differ.
		Expect(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shoot--dev--second"}})).To(Succeed())
		fixture := testenv.ShootFixture{TechnicalID: "shoot--dev--second", IngressNamespace: sharedIngress, Host: "api.second.dev.example.com", IngressLabels: sharedLabels,
			ProviderConfig: `{"rule":{"action":"DENY","type":"remote_ip","cidrs":["0.0.0.0/0"]}}`}
		second, err = fixture.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())

		Eventually(filterIn(ctx, sharedIngress, "shoot--dev--first")).WithTimeout(30 * time.Second).Should(Succeed())
		Eventually(filterIn(ctx, sharedIngress, "shoot--dev--second")).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("keeps each shoot's filters to its own hosts and destinations", func(ctx context.Context) {
		for _, technicalID := range []string{"shoot--dev--first", "shoot--dev--second"} {
			filter := &istionetworkingv1alpha3.EnvoyFilter{}
			Expect(c.Get(ctx, client.ObjectKey{Namespace: sharedIngress, Name: "acl-" + technicalID}, filter)).To(Succeed())
			host := "api.first.dev.example.com"
			if technicalID == "shoot--dev--second" {
				host = "api.second.dev.example.com"
			}
			Expect(filter.Spec.ConfigPatches[0].Match.GetListener().GetFilterChain().GetSni()).To(Equal(host))
			shared := filter.Spec.ConfigPatches[1].Patch.Value.AsMap()
			policies := shared["typed_config"].(map[string]any)["rules"].(map[string]any)["policies"].(map[string]any)
			own := policies["acl-other-shoots"].(map[string]any)["permissions"].([]any)[0].(map[string]any)["not_rule"].(map[string]any)["or_rules"].(map[string]any)["rules"].([]any)
			for _, rule := range own {
				// Each destination is matched exactly, and as the first of several values (prefix "<destination>,").
				match := rule.(map[string]any)["header"].(map[string]any)["string_match"].(map[string]any)
				value, ok := match["exact"].(string)
				if !ok {
					value = match["prefix"].(string)
				}
				Expect(value).To(ContainSubstring(technicalID))
			}
		}
	})

	It("follows new egress CIDRs of the shoot's Infrastructure", func(ctx context.Context) {
		infrastructure := &extensionsv1alpha1.Infrastructure{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shoot--dev--first"},
			Spec:       extensionsv1alpha1.InfrastructureSpec{DefaultSpec: extensionsv1alpha1.DefaultSpec{Type: "local"}, Region: "local", SecretRef: corev1.SecretReference{Name: "cloudprovider", Namespace: "shoot--dev--first"}},
		}
		Expect(c.Create(ctx, infrastructure)).To(Succeed())
		patch := client.MergeFrom(infrastructure.DeepCopy())
		infrastructure.Status.EgressCIDRs = []string{"203.0.113.77/32"}
		Expect(c.Status().Patch(ctx, infrastructure, patch)).To(Succeed())

		Eventually(func(g Gomega) {
			filter := &istionetworkingv1alpha3.EnvoyFilter{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: sharedIngress, Name: "acl-shoot--dev--first"}, filter)).To(Succeed())
			g.Expect(principalsOfFirstPatch(filter)).To(ContainElement("203.0.113.77"))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("moves the filters when the shoot moves to another ingress gateway, and leaves no stale filter", func(ctx context.Context) {
		zoneLabels := map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway--zone--b"}
		Expect(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: zoneIngress}})).To(Succeed())
		for _, object := range testenv.IngressGatewayObjects(zoneIngress, zoneLabels) {
			Expect(c.Create(ctx, object)).To(Succeed())
		}

		gateway := &istionetworkingv1beta1.Gateway{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "shoot--dev--first", Name: "kube-apiserver"}, gateway)).To(Succeed())
		patch := client.MergeFrom(gateway.DeepCopy())
		gateway.Spec.Selector = zoneLabels
		Expect(c.Patch(ctx, gateway, patch)).To(Succeed())

		Eventually(filterIn(ctx, zoneIngress, "shoot--dev--first")).WithTimeout(30 * time.Second).Should(Succeed())
		Eventually(goneFrom(ctx, sharedIngress, "shoot--dev--first")).WithTimeout(30 * time.Second).Should(Succeed())
		Consistently(filterIn(ctx, sharedIngress, "shoot--dev--second")).WithTimeout(2 * time.Second).Should(Succeed())
	})

	It("keeps the filters on migration and re-creates their ManagedResource on restore", func(ctx context.Context) {
		// The suite's controller ignores the operation annotation (it reconciles every spec change), so the test plays
		// the generic reconciler's part and calls the actuator as it does for gardener's migrate and restore operations.
		// It also records the last operation as that reconciler does, so that the running controller, which reacts to
		// the ManagedResource's deletion, sees a migration in progress and then a migrated Extension, and keeps off.
		actuator := aclcontroller.NewActuator(mgrClient, events.NewFakeRecorder(10), aclcontroller.Config{Limits: validation.DefaultLimits()})
		Expect(c.Get(ctx, client.ObjectKeyFromObject(second), second)).To(Succeed())
		setLastOperation := func(operation gardencorev1beta1.LastOperationType, state gardencorev1beta1.LastOperationState) {
			patch := client.MergeFrom(second.DeepCopy())
			second.Status.LastOperation = &gardencorev1beta1.LastOperation{Type: operation, State: state, LastUpdateTime: metav1.Now()}
			Expect(c.Status().Patch(ctx, second, patch)).To(Succeed())
		}
		managedResourceGone := func() bool {
			return apierrors.IsNotFound(c.Get(ctx, client.ObjectKey{Namespace: "shoot--dev--second", Name: aclcontroller.ManagedResourceName}, &resourcesv1alpha1.ManagedResource{}))
		}

		setLastOperation(gardencorev1beta1.LastOperationTypeMigrate, gardencorev1beta1.LastOperationStateProcessing)
		Expect(actuator.Migrate(ctx, GinkgoLogr, second.DeepCopy())).To(Succeed())
		setLastOperation(gardencorev1beta1.LastOperationTypeMigrate, gardencorev1beta1.LastOperationStateSucceeded)
		Expect(managedResourceGone()).To(BeTrue())
		Consistently(managedResourceGone).WithTimeout(2*time.Second).Should(BeTrue(), "the controller does not undo a migration")
		Consistently(filterIn(ctx, sharedIngress, "shoot--dev--second")).WithTimeout(2 * time.Second).Should(Succeed())

		setLastOperation(gardencorev1beta1.LastOperationTypeRestore, gardencorev1beta1.LastOperationStateProcessing)
		Eventually(func(g Gomega) {
			g.Expect(actuator.Restore(ctx, GinkgoLogr, second.DeepCopy())).To(Succeed())
		}).WithTimeout(10 * time.Second).Should(Succeed())
		setLastOperation(gardencorev1beta1.LastOperationTypeRestore, gardencorev1beta1.LastOperationStateSucceeded)
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "shoot--dev--second", Name: aclcontroller.ManagedResourceName}, &resourcesv1alpha1.ManagedResource{})).To(Succeed())
		Eventually(filterIn(ctx, sharedIngress, "shoot--dev--second")).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("reports a shoot with workers whose egress CIDRs are unknown, and still protects it", func(ctx context.Context) {
		extension, err := testenv.ShootFixture{TechnicalID: "shoot--dev--third", IngressNamespace: sharedIngress, Host: "api.third.dev.example.com",
			IngressLabels: sharedLabels, EgressUnknown: true,
			ProviderConfig: `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`}.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())

		Eventually(filterIn(ctx, sharedIngress, "shoot--dev--third")).WithTimeout(30 * time.Second).Should(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
			g.Expect(extension.Status.ProviderStatus).NotTo(BeNil())
			g.Expect(string(extension.Status.ProviderStatus.Raw)).To(ContainSubstring(`"egressUnknown":true`))

			eventList := &eventsv1.EventList{}
			g.Expect(c.List(ctx, eventList, client.InNamespace("shoot--dev--third"))).To(Succeed())
			g.Expect(eventList.Items).To(ContainElement(And(
				HaveField("Reason", "EgressUnknown"), HaveField("Type", corev1.EventTypeWarning),
				HaveField("Regarding.Name", extension.Name),
			)))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("protects hibernated and workerless shoots like any other, without expecting egress CIDRs of a workerless one", func(ctx context.Context) {
		for _, fixture := range []testenv.ShootFixture{
			{TechnicalID: "shoot--dev--sleepy", Hibernated: true},
			{TechnicalID: "shoot--dev--lean", Workerless: true, EgressUnknown: true},
		} {
			fixture.IngressNamespace, fixture.IngressLabels, fixture.Host = sharedIngress, sharedLabels, "api."+fixture.TechnicalID+".example.com"
			fixture.ProviderConfig = `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`
			extension, err := fixture.CreateWithoutIngress(ctx, c)
			Expect(err).NotTo(HaveOccurred())

			Eventually(filterIn(ctx, sharedIngress, fixture.TechnicalID)).WithTimeout(30 * time.Second).Should(Succeed())
			Eventually(func(g Gomega) {
				g.Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
				g.Expect(extension.Status.ProviderStatus).NotTo(BeNil())
				g.Expect(string(extension.Status.ProviderStatus.Raw)).NotTo(ContainSubstring("egressUnknown"))
			}).WithTimeout(30 * time.Second).Should(Succeed())
		}
	})

	It("keeps a waking shoot's nodes admitted, with the egress addresses it has after the wake-up", func(ctx context.Context) {
		cluster := &extensionsv1alpha1.Cluster{}
		Expect(c.Get(ctx, client.ObjectKey{Name: "shoot--dev--sleepy"}, cluster)).To(Succeed())
		shoot := &gardencorev1beta1.Shoot{}
		Expect(json.Unmarshal(cluster.Spec.Shoot.Raw, shoot)).To(Succeed())
		shoot.Spec.Hibernation.Enabled = ptr.To(false)
		shoot.Status.IsHibernated = false
		// New machines, new egress addresses: as gardenlet updates the Cluster on wake-up.
		shoot.Status.Networking = &gardencorev1beta1.NetworkingStatus{EgressCIDRs: []string{"198.51.100.99/32"}}
		raw, err := json.Marshal(shoot)
		Expect(err).NotTo(HaveOccurred())
		patch := client.MergeFrom(cluster.DeepCopy())
		cluster.Spec.Shoot.Raw = raw
		Expect(c.Patch(ctx, cluster, patch)).To(Succeed())

		Eventually(func(g Gomega) {
			filter := &istionetworkingv1alpha3.EnvoyFilter{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: sharedIngress, Name: "acl-shoot--dev--sleepy"}, filter)).To(Succeed())
			g.Expect(principalsOfFirstPatch(filter)).To(ContainElements("198.51.100.99", "10.180.0.0", "192.0.2.0"))
			g.Expect(principalsOfFirstPatch(filter)).NotTo(ContainElement("198.51.100.10"), "the egress address of before the hibernation is gone")
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("removes one shoot's filters without touching the other's", func(ctx context.Context) {
		Expect(c.Delete(ctx, first)).To(Succeed())
		Eventually(goneFrom(ctx, zoneIngress, "shoot--dev--first")).WithTimeout(time.Minute).Should(Succeed())
		Consistently(filterIn(ctx, sharedIngress, "shoot--dev--second")).WithTimeout(2 * time.Second).Should(Succeed())
	})
})
