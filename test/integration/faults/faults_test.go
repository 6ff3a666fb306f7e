// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package faults_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

const (
	alpha   = "shoot--dev--alpha"
	beta    = "shoot--dev--beta"
	ingress = "istio-ingress"
	// converge bounds how long the controller may take to recover from a fault.
	converge = 2 * time.Minute
)

func allowOnly(cidr string) string {
	return fmt.Sprintf(`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":[%q]}]}`, cidr)
}

// hashOf is the hash the controller reports for rules that allow only cidr.
func hashOf(cidr string) string {
	compiled, err := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{{Action: acl.ActionAllow, CIDRs: []string{cidr}}}})
	Expect(err).NotTo(HaveOccurred())
	return compiled.Hash()
}

// conflictBackoff lets many writers of one Extension get through, one conflict after another.
var conflictBackoff = wait.Backoff{Steps: 100, Duration: 10 * time.Millisecond, Factor: 1.1, Jitter: 0.5, Cap: time.Second}

// setRules changes the shoot's rules as gardenlet does: read, modify, update, and again on a conflict.
func setRules(ctx context.Context, technicalID, cidr string) {
	Expect(retry.RetryOnConflict(conflictBackoff, func() error {
		extension := &extensionsv1alpha1.Extension{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: "acl"}, extension); err != nil {
			return err
		}
		extension.Spec.ProviderConfig = &runtime.RawExtension{Raw: []byte(allowOnly(cidr))}
		return c.Update(ctx, extension)
	})).To(Succeed())
}

// expectEnforced waits until the shoot's EnvoyFilter admits cidr, the Extension reports the rules' hash and the last
// operation succeeded.
func expectEnforced(ctx context.Context, technicalID, cidr string) {
	expectEnforcedWithin(ctx, technicalID, cidr, converge)
}

// expectEnforcedWithin is expectEnforced with its own time limit.
func expectEnforcedWithin(ctx context.Context, technicalID, cidr string, timeout time.Duration) {
	address := cidr[:len(cidr)-3]
	Eventually(func(g Gomega) {
		filter := &istionetworkingv1alpha3.EnvoyFilter{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ingress, Name: "acl-" + technicalID}, filter)).To(Succeed())
		raw, err := json.Marshal(filter.Spec.ConfigPatches)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(string(raw)).To(ContainSubstring(`"address_prefix":"` + address + `"`))

		extension := &extensionsv1alpha1.Extension{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: "acl"}, extension)).To(Succeed())
		g.Expect(extension.Status.LastOperation).NotTo(BeNil())
		g.Expect(extension.Status.LastOperation.State).To(Equal(gardencorev1beta1.LastOperationStateSucceeded))
		g.Expect(extension.Status.ProviderStatus).NotTo(BeNil())
		g.Expect(string(extension.Status.ProviderStatus.Raw)).To(ContainSubstring(hashOf(cidr)))
	}).WithTimeout(timeout).WithPolling(250 * time.Millisecond).Should(Succeed())
}

// expectFailing waits until the Extension reports a failed last operation whose description contains message.
func expectFailing(ctx context.Context, technicalID, message string) {
	Eventually(func(g Gomega) {
		extension := &extensionsv1alpha1.Extension{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: "acl"}, extension)).To(Succeed())
		g.Expect(extension.Status.LastOperation).NotTo(BeNil())
		g.Expect(extension.Status.LastOperation.State).To(Equal(gardencorev1beta1.LastOperationStateError))
		g.Expect(extension.Status.LastOperation.Description).To(ContainSubstring(message))
	}).WithTimeout(converge).Should(Succeed())
}

// writes returns the resource versions of what the controller writes for a shoot: its ManagedResource, the
// ManagedResource's secret and the EnvoyFilter gardener-resource-manager applies from it.
func writes(ctx context.Context, technicalID string) []string {
	managedResource := &resourcesv1alpha1.ManagedResource{}
	Expect(c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: constants.ManagedResourceName}, managedResource)).To(Succeed())
	secret := &corev1.Secret{}
	Expect(c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: managedResource.Spec.SecretRefs[0].Name}, secret)).To(Succeed())
	filter := &istionetworkingv1alpha3.EnvoyFilter{}
	Expect(c.Get(ctx, client.ObjectKey{Namespace: ingress, Name: "acl-" + technicalID}, filter)).To(Succeed())
	// The ManagedResource's status changes with every sync of gardener-resource-manager; its spec does not.
	return []string{fmt.Sprint(managedResource.Generation), secret.Name, secret.ResourceVersion, filter.ResourceVersion}
}

// expectNoFurtherWrites checks that nothing is written for the shoot any more once it has converged.
func expectNoFurtherWrites(ctx context.Context, technicalID string) {
	settled := writes(ctx, technicalID)
	Consistently(func() []string { return writes(ctx, technicalID) }).WithTimeout(5 * time.Second).WithPolling(500 * time.Millisecond).Should(Equal(settled))
}

var _ = Describe("Recovering from faults", Ordered, func() {
	BeforeAll(func(ctx context.Context) {
		// Two shoots on the default ingress gateway of a seed as gardener lays it out (project dev: shoot--dev--<name>).
		_, err := testenv.ShootFixture{Shoot: gardenerseed.Shoot{Name: "alpha"}, ProviderConfig: allowOnly("192.0.2.0/24")}.Create(ctx, c)
		Expect(err).NotTo(HaveOccurred())
		_, err = testenv.ShootFixture{Shoot: gardenerseed.Shoot{Name: "beta"}, ProviderConfig: allowOnly("198.51.100.0/24")}.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())
		expectEnforced(ctx, alpha, "192.0.2.0/24")
		expectEnforced(ctx, beta, "198.51.100.0/24")
	})

	It("enforces a rule change made while kube-apiserver restarts, and then writes nothing more", func(ctx context.Context) {
		setRules(ctx, alpha, "203.0.113.0/24")
		Expect(seed.RestartAPIServer(3 * time.Second)).To(Succeed())
		back := time.Now()
		expectEnforced(ctx, alpha, "203.0.113.0/24")
		AddReportEntry("enforced after kube-apiserver was back", time.Since(back).Round(time.Second))
		expectEnforced(ctx, beta, "198.51.100.0/24")
		expectNoFurtherWrites(ctx, alpha)
		expectNoFurtherWrites(ctx, beta)
	})

	It("ends with the last of many conflicting concurrent rule changes", func(ctx context.Context) {
		var changes sync.WaitGroup
		for i := range 10 {
			changes.Go(func() {
				defer GinkgoRecover()
				setRules(ctx, alpha, fmt.Sprintf("203.0.113.%d/32", i))
			})
		}
		changes.Wait()
		extension := &extensionsv1alpha1.Extension{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: alpha, Name: "acl"}, extension)).To(Succeed())
		var final struct {
			Rules []struct{ CIDRs []string } `json:"rules"`
		}
		Expect(json.Unmarshal(extension.Spec.ProviderConfig.Raw, &final)).To(Succeed())
		expectEnforced(ctx, alpha, final.Rules[0].CIDRs[0])
		expectNoFurtherWrites(ctx, alpha)
	})

	It("picks up a change the controller missed while it restarted, without rewriting the other shoots", func(ctx context.Context) {
		untouched := writes(ctx, beta)
		Expect(stopController()).To(Succeed())
		setRules(ctx, alpha, "192.0.2.128/25")
		stopController = startController(ctx)
		expectEnforced(ctx, alpha, "192.0.2.128/25")
		Consistently(func() []string { return writes(ctx, beta) }).WithTimeout(3*time.Second).Should(Equal(untouched), "the new controller's first reconcile of an unchanged shoot writes nothing")
	})

	It("restores the filters when their ManagedResource is deleted by hand", func(ctx context.Context) {
		Expect(c.Delete(ctx, &resourcesv1alpha1.ManagedResource{ObjectMeta: objectMeta(alpha, constants.ManagedResourceName)})).To(Succeed())
		Eventually(func(g Gomega) {
			managedResource := &resourcesv1alpha1.ManagedResource{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: alpha, Name: constants.ManagedResourceName}, managedResource)).To(Succeed())
			g.Expect(managedResource.DeletionTimestamp).To(BeNil(), "a new ManagedResource")
		}).WithTimeout(converge).Should(Succeed())
		expectEnforced(ctx, alpha, "192.0.2.128/25")
	})

	It("keeps the filters and reports the error while the ingress gateway is gone, and recovers when it is back", func(ctx context.Context) {
		// envtest runs no namespace controller, so the ingress namespace going away is modelled by its gateway
		// Deployment, the workload the controller finds the gateway by.
		deployment := &appsv1.Deployment{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: ingress, Name: "istio-ingressgateway"}, deployment)).To(Succeed())
		Expect(c.Delete(ctx, deployment)).To(Succeed())
		setRules(ctx, alpha, "198.18.0.0/15")

		expectFailing(ctx, alpha, "no istio ingress gateway Deployment has pods")
		filter := &istionetworkingv1alpha3.EnvoyFilter{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: ingress, Name: "acl-" + alpha}, filter)).To(Succeed(), "the old filter stays: no shoot is left unprotected")

		deployment.ResourceVersion = ""
		Expect(c.Create(ctx, deployment)).To(Succeed())
		expectEnforced(ctx, alpha, "198.18.0.0/15")
	})

	It("retries a shoot that kept failing within --max-retry-delay once the seed accepts its writes again", func(ctx context.Context) {
		// A seed admission webhook that is down refuses the ManagedResource writes without any event the controller
		// could react to, as an API server outage does: only the work queue's backoff brings the next attempt.
		refusing := refuseManagedResourceWrites(alpha)
		Expect(c.Create(ctx, refusing)).To(Succeed())
		DeferCleanup(func(ctx context.Context) { Expect(client.IgnoreNotFound(c.Delete(ctx, refusing))).To(Succeed()) })
		failingSince := time.Now()
		setRules(ctx, alpha, "192.0.2.64/26")
		expectFailing(ctx, alpha, "refuse-managedresources")

		// After 30 s of failures the backoff of controller-runtime's default limiter is 20 s, the next one 41 s; with
		// the cap every attempt is at most retryCap apart.
		time.Sleep(time.Until(failingSince.Add(30 * time.Second)))
		Expect(c.Delete(ctx, refusing)).To(Succeed())
		accepting := time.Now()
		expectEnforcedWithin(ctx, alpha, "192.0.2.64/26", retryCap+3*time.Second)
		AddReportEntry("enforced after the writes were accepted again", time.Since(accepting).Round(100*time.Millisecond))
		expectNoFurtherWrites(ctx, alpha)
	})

	It("leaves no stale filter of a shoot deleted while kube-apiserver restarts", func(ctx context.Context) {
		Expect(c.Delete(ctx, &extensionsv1alpha1.Extension{ObjectMeta: objectMeta(beta, "acl")})).To(Succeed())
		Expect(seed.RestartAPIServer(2 * time.Second)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKey{Namespace: ingress, Name: "acl-" + beta}, &istionetworkingv1alpha3.EnvoyFilter{}))).To(BeTrue())
			g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKey{Namespace: beta, Name: constants.ManagedResourceName}, &resourcesv1alpha1.ManagedResource{}))).To(BeTrue())
			g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKey{Namespace: beta, Name: "acl"}, &extensionsv1alpha1.Extension{}))).To(BeTrue())
		}).WithTimeout(converge).Should(Succeed())
		expectEnforced(ctx, alpha, "192.0.2.64/26")
	})
})

// refuseManagedResourceWrites is a webhook configuration that refuses every write of ManagedResources in a namespace,
// because its webhook cannot be reached.
func refuseManagedResourceWrites(namespace string) *admissionregistrationv1.ValidatingWebhookConfiguration {
	return &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "refuse-managedresources"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name: "refuse-managedresources.faults.test",
			// Nothing listens on port 1: every call fails, and failurePolicy Fail turns that into a refusal.
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: ptr.To("https://127.0.0.1:1/validate")},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{resourcesv1alpha1.SchemeGroupVersion.Group}, APIVersions: []string{"v1alpha1"}, Resources: []string{"managedresources"}},
			}},
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: namespace}},
			FailurePolicy:           ptr.To(admissionregistrationv1.Fail),
			SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
			AdmissionReviewVersions: []string{"v1"},
			TimeoutSeconds:          ptr.To[int32](1),
		}},
	}
}

func objectMeta(namespace, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: namespace, Name: name}
}
