// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
)

var _ = Describe("The retry rate limiter", func() {
	alpha := reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "shoot--dev--alpha", Name: "acl"}}
	beta := reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "shoot--dev--beta", Name: "acl"}}

	It("doubles a failing shoot's delay from 5ms up to the cap, and starts over once it succeeded", func() {
		limiter := aclcontroller.NewRetryRateLimiter(time.Second)
		var delays []time.Duration
		for range 12 {
			delays = append(delays, limiter.When(alpha))
		}
		Expect(delays[:4]).To(Equal([]time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}))
		Expect(delays[7]).To(Equal(640 * time.Millisecond))
		Expect(delays[8:]).To(HaveEach(time.Second))
		Expect(limiter.NumRequeues(alpha)).To(Equal(12))

		Expect(limiter.When(beta)).To(Equal(5*time.Millisecond), "shoots back off independently")
		limiter.Forget(alpha)
		Expect(limiter.When(alpha)).To(Equal(5 * time.Millisecond))
	})

	It("still spreads a burst of many retrying shoots over time", func() {
		limiter := aclcontroller.NewRetryRateLimiter(time.Second)
		var last time.Duration
		for i := range 150 {
			last = limiter.When(reconcile.Request{NamespacedName: types.NamespacedName{Namespace: fmt.Sprintf("shoot--dev--s%d", i), Name: "acl"}})
		}
		// 100 retries pass at once, then 10 per second.
		Expect(last).To(BeNumerically(">", 4*time.Second))
	})
})
