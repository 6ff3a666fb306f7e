// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"testing"
	"time"

	resourcemanagerconfigv1alpha1 "github.com/gardener/gardener/pkg/apis/config/resourcemanager/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	"github.com/gardener/gardener/pkg/resourcemanager/controller/managedresource"
	resourcemanagerpredicate "github.com/gardener/gardener/pkg/resourcemanager/predicate"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

func TestController(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Integration Controller Suite")
}

var (
	seed      *testenv.Seed
	c         client.Client
	mgrClient client.Client
)

var _ = BeforeSuite(func(ctx context.Context) {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))

	By("Starting kube-apiserver and etcd with the seed CRDs")
	var err error
	seed, err = testenv.StartSeed(ctx)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { Expect(seed.Stop()).To(Succeed()) })

	c, err = client.New(seed.Config, client.Options{Scheme: kubernetes.SeedScheme})
	Expect(err).NotTo(HaveOccurred())

	By("Starting the ACL controller and gardener-resource-manager's ManagedResource controller")
	mgr, err := manager.New(seed.Config, manager.Options{
		Scheme:     kubernetes.SeedScheme,
		Metrics:    metricsserver.Options{BindAddress: "0"},
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	})
	Expect(err).NotTo(HaveOccurred())
	mgrClient = mgr.GetClient()

	Expect((&managedresource.Reconciler{
		Config: resourcemanagerconfigv1alpha1.ManagedResourceControllerConfig{
			ConcurrentSyncs:     ptr.To(2),
			SyncPeriod:          &metav1.Duration{Duration: time.Minute},
			ManagedByLabelValue: ptr.To("gardener"),
		},
		ClassFilter:                   resourcemanagerpredicate.NewClassFilter("seed"),
		RequeueAfterOnDeletionPending: ptr.To(100 * time.Millisecond),
		GarbageCollectorActivated:     true,
	}).AddToManager(mgr, mgr, mgr)).To(Succeed())

	Expect(aclcontroller.AddToManagerWithOptions(ctx, mgr, aclcontroller.AddOptions{
		Config:                    aclcontroller.Config{Limits: validation.DefaultLimits(), AdditionalAllowedCIDRs: []string{"172.16.0.0/12"}},
		IgnoreOperationAnnotation: true,
	})).To(Succeed())

	mgrCtx, cancel := context.WithCancel(context.Background())
	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(mgrCtx)).To(Succeed())
	}()
	DeferCleanup(cancel)
}, NodeTimeout(2*time.Minute))
