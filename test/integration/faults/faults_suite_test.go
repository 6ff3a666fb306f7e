// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package faults_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

func TestFaults(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Integration Faults Suite")
}

// retryCap is the controller's --max-retry-delay in this suite.
const retryCap = 2 * time.Second

var (
	seed *testenv.Seed
	c    client.Client
	// stopController stops the running ACL controller (with gardener-resource-manager's ManagedResource controller).
	stopController func() error
)

// startController starts the ACL controller and gardener-resource-manager's ManagedResource controller in a new
// manager, as a new pod of the extension would.
func startController(ctx context.Context) func() error {
	mgr, err := testenv.NewSeedManager(seed.Config)
	Expect(err).NotTo(HaveOccurred())
	Expect(testenv.AddManagedResourceController(mgr)).To(Succeed())
	Expect(aclcontroller.AddToManagerWithOptions(ctx, mgr, aclcontroller.AddOptions{
		Config:                    aclcontroller.Config{Limits: validation.DefaultLimits()},
		IgnoreOperationAnnotation: true,
		MaxRetryDelay:             retryCap,
	})).To(Succeed())
	return testenv.RunManager(mgr)
}

var _ = BeforeSuite(func(ctx context.Context) {
	seed = testenv.StartSeedSuite(ctx)
	c = seed.Client

	stopController = startController(ctx)
	DeferCleanup(func() { Expect(stopController()).To(Succeed()) })
}, NodeTimeout(2*time.Minute))
