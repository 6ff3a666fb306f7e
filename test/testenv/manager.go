// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"context"
	"sync"
	"time"

	resourcemanagerconfigv1alpha1 "github.com/gardener/gardener/pkg/apis/config/resourcemanager/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	"github.com/gardener/gardener/pkg/resourcemanager/controller/managedresource"
	resourcemanagerpredicate "github.com/gardener/gardener/pkg/resourcemanager/predicate"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// NewSeedManager returns a manager against a seed, without metrics server. Several managers may run in one test
// process (or one after another, as when a controller restarts), so controller name validation is off.
func NewSeedManager(config *rest.Config) (manager.Manager, error) {
	return manager.New(config, manager.Options{
		Scheme:     kubernetes.SeedScheme,
		Metrics:    metricsserver.Options{BindAddress: "0"},
		Controller: ctrlConfig(),
	})
}

func ctrlConfig() config.Controller {
	return config.Controller{SkipNameValidation: ptr.To(true)}
}

// AddManagedResourceController adds gardener-resource-manager's ManagedResource controller for seed ManagedResources,
// so that the EnvoyFilters the ACL controller deploys are really applied, updated and garbage-collected.
func AddManagedResourceController(mgr manager.Manager) error {
	return (&managedresource.Reconciler{
		Config: resourcemanagerconfigv1alpha1.ManagedResourceControllerConfig{
			ConcurrentSyncs:     ptr.To(2),
			SyncPeriod:          &metav1.Duration{Duration: time.Minute},
			ManagedByLabelValue: ptr.To("gardener"),
		},
		ClassFilter:                   resourcemanagerpredicate.NewClassFilter("seed"),
		RequeueAfterOnDeletionPending: ptr.To(100 * time.Millisecond),
		GarbageCollectorActivated:     true,
	}).AddToManager(mgr, mgr, mgr)
}

// RunManager starts the manager in the background; the returned function stops it and returns what Start returned.
func RunManager(mgr manager.Manager) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	var done sync.WaitGroup
	var err error
	done.Go(func() { err = mgr.Start(ctx) })
	return func() error {
		cancel()
		done.Wait()
		return err
	}
}
