// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package migration_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

func TestMigration(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Integration Migration Suite")
}

var (
	seed *testenv.Seed
	c    client.Client
	// seedLayout is a seed as gardener v1.150 lays it out by default: one istio ingress gateway in istio-ingress, the
	// namespace the existing ACL extension also puts its ingress-domain filter into.
	seedLayout = gardenerseed.Seed{}
)

var _ = BeforeSuite(func(ctx context.Context) {
	seed = testenv.StartSeedSuite(ctx)
	c = seed.Client

	By("Creating the seed's istio ingress gateway with gardener's own code")
	objects, err := gardenerseed.Istio(ctx, seedLayout)
	Expect(err).NotTo(HaveOccurred())
	Expect(gardenerseed.Apply(ctx, c, objects)).To(Succeed())

	By("Starting gardener-resource-manager's ManagedResource controller")
	// The ACL actuator is called directly by the specs, after they laid out what the existing extension left, as a
	// controller that takes over an Extension finds it; gardener-resource-manager applies and deletes the filters.
	mgr, err := testenv.NewSeedManager(seed.Config)
	Expect(err).NotTo(HaveOccurred())
	Expect(testenv.AddManagedResourceController(mgr)).To(Succeed())
	stopManager := testenv.RunManager(mgr)
	DeferCleanup(func() { Expect(stopManager()).To(Succeed()) })
}, NodeTimeout(3*time.Minute))
