// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package seed_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

func TestSeed(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Integration Seed Toolchain Suite")
}

var seed *testenv.Seed

var _ = BeforeSuite(func(ctx context.Context) {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))

	By("Starting kube-apiserver and etcd with the seed CRDs")
	var err error
	seed, err = testenv.StartSeed(ctx)
	Expect(err).NotTo(HaveOccurred())

	DeferCleanup(func() {
		By("Stopping kube-apiserver and etcd")
		Expect(seed.Stop()).To(Succeed())
	})
}, NodeTimeout(2*time.Minute))
