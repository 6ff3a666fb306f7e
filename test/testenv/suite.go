// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"context"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// StartGardenSuite is the start of every ginkgo suite on a garden: controller-runtime logs go to the spec's output, and
// etcd, kube-apiserver and gardener-apiserver run until the suite ends. Call it from BeforeSuite.
func StartGardenSuite() *Garden {
	startSuiteLogging()
	ginkgo.By("Starting etcd, kube-apiserver and gardener-apiserver")
	garden, err := StartGarden()
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	ginkgo.DeferCleanup(func() {
		ginkgo.By("Stopping the garden API servers")
		gomega.Expect(garden.Stop()).To(gomega.Succeed())
	})
	return garden
}

// StartSeedSuite is the start of every ginkgo suite on a seed: controller-runtime logs go to the spec's output, and
// kube-apiserver and etcd with the seed CRDs run until the suite ends. Call it from BeforeSuite.
func StartSeedSuite(ctx context.Context) *Seed {
	startSuiteLogging()
	ginkgo.By("Starting kube-apiserver and etcd with the seed CRDs")
	seed, err := StartSeed(ctx)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	ginkgo.DeferCleanup(func() {
		ginkgo.By("Stopping kube-apiserver and etcd")
		gomega.Expect(seed.Stop()).To(gomega.Succeed())
	})
	return seed
}

func startSuiteLogging() {
	logf.SetLogger(zap.New(zap.WriteTo(ginkgo.GinkgoWriter), zap.UseDevMode(true)))
}
