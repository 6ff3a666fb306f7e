// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package garden_test

import (
	"context"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var _ = Describe("Garden test harness", func() {
	It("serves Shoots through a real gardener-apiserver", func(ctx context.Context) {
		shoots := &gardencorev1beta1.ShootList{}
		Expect(garden.Client.List(ctx, shoots)).To(Succeed())
		Expect(shoots.Items).To(BeEmpty())
	})

	It("runs gardener's admission and validation on Shoots", func(ctx context.Context) {
		// A Shoot in a namespace that belongs to no Project is refused by gardener-apiserver itself; seeing that
		// refusal proves requests really go through gardener's admission chain, not through a stand-in.
		shoot := &gardencorev1beta1.Shoot{ObjectMeta: metav1.ObjectMeta{Name: "smoke", Namespace: "default"}}
		err := garden.Client.Create(ctx, shoot)
		Expect(err).To(HaveOccurred())
		Expect(apierrors.IsForbidden(err) || apierrors.IsInvalid(err)).To(BeTrue(), "unexpected error: %v", err)
	})
})
