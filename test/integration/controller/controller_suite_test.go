// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

func TestController(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Integration Controller Suite")
}

// extensionNamespace is the namespace the controller runs in, where the gateway reconciler keeps its ManagedResources.
const extensionNamespace = "extension-acl"

var (
	seed      *testenv.Seed
	c         client.Client
	mgrClient client.Client
)

// seedLayout is the seed all specs share, as gardener v1.150 lays it out: three zones with zonal ingress gateways
// (istio-ingress and istio-ingress--a/b/c), and nginx still running for the controller's nginx path.
var seedLayout = gardenerseed.Seed{Zones: []string{"a", "b", "c"}, NginxIngress: true}

// controllerConfig is the configuration of the controllers the suite runs, as the binary has it: the shared
// ManagedResources live in the extension's namespace.
var controllerConfig = aclcontroller.Config{Limits: validation.DefaultLimits(), AdditionalAllowedCIDRs: []string{"172.16.0.0/12"}, Namespace: extensionNamespace}

var _ = BeforeSuite(func(ctx context.Context) {
	seed = testenv.StartSeedSuite(ctx)
	var err error

	c = seed.Client

	By("Starting the ACL controller, its gateway and orphan reconcilers and gardener-resource-manager's ManagedResource controller")
	mgr, err := testenv.NewSeedManager(seed.Config)
	Expect(err).NotTo(HaveOccurred())
	mgrClient = mgr.GetClient()
	Expect(testenv.AddManagedResourceController(mgr)).To(Succeed())
	Expect(aclcontroller.AddToManagerWithOptions(ctx, mgr, aclcontroller.AddOptions{
		Config:                    controllerConfig,
		IgnoreOperationAnnotation: true,
	})).To(Succeed())
	Expect(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: extensionNamespace}})).To(Succeed())
	Expect(aclcontroller.AddGatewayReconcilerToManager(mgr, aclcontroller.GatewayAddOptions{
		Config:   controllerConfig,
		Debounce: 200 * time.Millisecond,
	})).To(Succeed())
	Expect(aclcontroller.AddOrphanReconcilerToManager(mgr)).To(Succeed())
	Expect(aclcontroller.AddMonitoringToManager(mgr, extensionNamespace)).To(Succeed())
	Expect(testenv.CreateSeedIngress(ctx, c, seedLayout)).To(Succeed())
	stopManager := testenv.RunManager(mgr)
	DeferCleanup(func() { Expect(stopManager()).To(Succeed()) })
}, NodeTimeout(2*time.Minute))
