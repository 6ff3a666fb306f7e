// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"time"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

var _ = Describe("A shoot that left the seed", func() {
	const allowOnly = `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`

	It("leaves no EnvoyFilter behind once its control plane namespace is gone after a migration", func(ctx context.Context) {
		leaving := testenv.ShootFixture{Seed: seedLayout, Shoot: gardenerseed.Shoot{Name: "leaving", Zone: "b"}, ProviderConfig: allowOnly}
		staying := testenv.ShootFixture{Seed: seedLayout, Shoot: gardenerseed.Shoot{Name: "staying", Zone: "b"}, ProviderConfig: allowOnly}
		extension, err := leaving.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())
		_, err = staying.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())
		gateway, err := leaving.IngressGateway(ctx)
		Expect(err).NotTo(HaveOccurred())
		own := func(fixture testenv.ShootFixture) func() error {
			return func() error {
				return c.Get(ctx, client.ObjectKey{Namespace: gateway.Namespace, Name: envoyfilter.Name(fixture.TechnicalID())}, &istionetworkingv1alpha3.EnvoyFilter{})
			}
		}
		Eventually(own(leaving)).WithTimeout(30 * time.Second).Should(Succeed())
		Eventually(own(staying)).WithTimeout(30 * time.Second).Should(Succeed())

		By("Migrating the shoot: its EnvoyFilters stay, as its kube-apiserver still runs here")
		// The test plays gardener's generic reconciler for the migrate operation (see scenarios_test.go).
		actuator := aclcontroller.NewActuator(mgrClient, events.NewFakeRecorder(10), controllerConfig)
		// It records the last operation as that reconciler does, so that the running controller keeps off.
		setLastOperation := func(state gardencorev1beta1.LastOperationState) {
			patch := client.MergeFrom(extension.DeepCopy())
			extension.Status.LastOperation = &gardencorev1beta1.LastOperation{Type: gardencorev1beta1.LastOperationTypeMigrate, State: state, LastUpdateTime: metav1.Now()}
			Expect(c.Status().Patch(ctx, extension, patch)).To(Succeed())
		}
		setLastOperation(gardencorev1beta1.LastOperationStateProcessing)
		Expect(actuator.Migrate(ctx, GinkgoLogr, extension.DeepCopy())).To(Succeed())
		setLastOperation(gardencorev1beta1.LastOperationStateSucceeded)
		Consistently(own(leaving)).WithTimeout(2 * time.Second).Should(Succeed())

		By("Deleting the Extension and then the control plane namespace, as gardener's migrate flow does")
		Expect(c.Delete(ctx, extension)).To(Succeed())
		Eventually(func() bool {
			return apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(extension), extension))
		}).WithTimeout(30 * time.Second).Should(BeTrue())
		Consistently(own(leaving)).WithTimeout(2*time.Second).Should(Succeed(), "the kube-apiserver still runs until gardener deletes the namespace")
		namespace := &corev1.Namespace{}
		Expect(c.Get(ctx, client.ObjectKey{Name: leaving.TechnicalID()}, namespace)).To(Succeed())
		Expect(c.Delete(ctx, namespace)).To(Succeed())
		// envtest runs no namespace controller: the test finalizes the namespace as kube-controller-manager does once
		// it has emptied it.
		Expect(c.Get(ctx, client.ObjectKeyFromObject(namespace), namespace)).To(Succeed())
		namespace.Spec.Finalizers = nil
		Expect(c.SubResource("finalize").Update(ctx, namespace)).To(Succeed())
		Eventually(func() bool {
			return apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(namespace), &corev1.Namespace{}))
		}).WithTimeout(10 * time.Second).Should(BeTrue())

		Eventually(func() bool { return apierrors.IsNotFound(own(leaving)()) }).WithTimeout(30 * time.Second).Should(BeTrue())
		Consistently(own(staying)).WithTimeout(2 * time.Second).Should(Succeed())
	})
})
