// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"context"
	"errors"
	"fmt"

	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

// OrphanControllerName is the name of the reconciler that removes the EnvoyFilters of shoots that left the seed.
const OrphanControllerName = "acl-orphans"

// orphanKey is the one request of the orphan reconciler: it looks at every shoot's EnvoyFilters at once.
var orphanKey = reconcile.Request{NamespacedName: client.ObjectKey{Name: "orphaned-envoyfilters"}}

// orphanReconciler removes a shoot's own EnvoyFilters once its control plane namespace is gone.
type orphanReconciler struct {
	reader client.Reader
	writer client.Writer
}

// NewOrphanReconciler returns the reconciler that deletes the shoots' own EnvoyFilters (those labelled with
// constants.ControlPlaneNamespaceLabel) whose control plane namespace no longer exists. Gardener deletes them with the
// shoot's ManagedResource, except after a control plane migration: Migrate keeps them (the source kube-apiserver runs
// until gardener deletes it) and gardener-resource-manager releases kept objects, so they would stay in the ingress
// namespaces for good. Both lookups go to the API server (reader), not to a cache: the controller caches only the
// ingress gateways' own EnvoyFilters, and a namespace missing from a lagging cache must not cost a live shoot its
// filters.
func NewOrphanReconciler(reader client.Reader, writer client.Writer) reconcile.Reconciler {
	return &orphanReconciler{reader: reader, writer: writer}
}

// Reconcile implements reconcile.Reconciler.
func (r *orphanReconciler) Reconcile(ctx context.Context, _ reconcile.Request) (reconcile.Result, error) {
	log := logf.FromContext(ctx)
	filters := &istionetworkingv1alpha3.EnvoyFilterList{}
	if err := r.reader.List(ctx, filters, client.HasLabels{constants.ControlPlaneNamespaceLabel}); err != nil {
		return reconcile.Result{}, fmt.Errorf("failed to list the shoots' EnvoyFilters: %w", err)
	}
	gone := map[string]bool{}
	var errs []error
	for _, filter := range filters.Items {
		namespace := filter.Labels[constants.ControlPlaneNamespaceLabel]
		if _, known := gone[namespace]; !known {
			err := r.reader.Get(ctx, client.ObjectKey{Name: namespace}, &corev1.Namespace{})
			if err != nil && !apierrors.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("failed to get namespace %s: %w", namespace, err))
				continue
			}
			gone[namespace] = apierrors.IsNotFound(err)
		}
		if !gone[namespace] {
			continue
		}
		log.Info("Removing the EnvoyFilter of a shoot whose control plane namespace is gone", "envoyFilter", client.ObjectKeyFromObject(filter), "controlPlaneNamespace", namespace)
		// The UID precondition spares a filter that a shoot of the same name deployed meanwhile.
		if err := r.writer.Delete(ctx, filter, client.Preconditions{UID: &filter.UID}); client.IgnoreNotFound(err) != nil && !apierrors.IsConflict(err) {
			errs = append(errs, fmt.Errorf("failed to delete EnvoyFilter %s/%s: %w", filter.Namespace, filter.Name, err))
		}
	}
	return reconcile.Result{}, errors.Join(errs...)
}

// AddOrphanReconcilerToManager adds the orphan reconciler (NewOrphanReconciler) to the manager. It runs once when the
// manager starts (a namespace may have gone while the controller was down) and whenever a namespace is deleted, so
// that it sends no request while nothing leaves the seed.
func AddOrphanReconcilerToManager(mgr manager.Manager) error {
	c, err := controller.New(OrphanControllerName, mgr, controller.Options{
		Reconciler:              NewOrphanReconciler(mgr.GetAPIReader(), mgr.GetClient()),
		MaxConcurrentReconciles: 1,
		RateLimiter:             NewRetryRateLimiter(DefaultMaxRetryDelay),
	})
	if err != nil {
		return fmt.Errorf("failed to create the orphan reconciler: %w", err)
	}
	atStart := source.Func(func(_ context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
		q.Add(orphanKey)
		return nil
	})
	if err := c.Watch(atStart); err != nil {
		return fmt.Errorf("failed to start the orphan reconciler: %w", err)
	}
	onDelete := handler.Funcs{
		DeleteFunc: func(_ context.Context, _ event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			q.Add(orphanKey)
		},
	}
	deleted := predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		UpdateFunc:  func(event.UpdateEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
	}
	if err := c.Watch(source.Kind[client.Object](mgr.GetCache(), &corev1.Namespace{}, onDelete, deleted)); err != nil {
		return fmt.Errorf("failed to watch namespaces: %w", err)
	}
	return nil
}
