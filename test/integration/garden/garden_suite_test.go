// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package garden_test

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

func TestGarden(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Integration Garden Toolchain Suite")
}

var garden *testenv.Garden

var _ = BeforeSuite(func(_ context.Context) {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))

	By("Starting etcd, kube-apiserver and gardener-apiserver")
	var err error
	garden, err = testenv.StartGarden()
	Expect(err).NotTo(HaveOccurred())

	DeferCleanup(func() {
		By("Stopping the garden API servers")
		Expect(garden.Stop()).To(Succeed())
	})
}, NodeTimeout(3*time.Minute))
