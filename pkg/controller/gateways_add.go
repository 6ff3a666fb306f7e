// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"cmp"
	"context"
	"fmt"
	"time"

	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

const (
	// GatewayControllerName is the name of the gateway reconciler.
	GatewayControllerName = "acl-gateways"
	// DefaultGatewayDebounce is how long the gateway reconciler collects changes before it recomputes the seed.
	DefaultGatewayDebounce = 2 * time.Second
)

// sharedKey is the one request of the gateway reconciler: every change recomputes all ingress gateways, since a shoot's
// change can move it between gateways and a gateway's change concerns all of its shoots.
var sharedKey = reconcile.Request{NamespacedName: client.ObjectKey{Name: "shared-listeners"}}

// GatewayAddOptions configure how the gateway reconciler is added to a manager.
type GatewayAddOptions struct {
	// Config is the actuator's configuration; both compute a shoot's admitted sources with it.
	Config Config
	// Debounce is how long changes are collected into one reconcile; zero means DefaultGatewayDebounce.
	Debounce time.Duration
	// MaxRetryDelay caps the backoff of a failing reconcile; zero means DefaultMaxRetryDelay.
	MaxRetryDelay time.Duration
}

// AddGatewayReconcilerToManager adds the gateway reconciler (NewGatewayReconciler) to the manager. It watches what
// the actuator watches (watches), and its own ManagedResources, and debounces every change into one request.
func AddGatewayReconcilerToManager(mgr manager.Manager, options GatewayAddOptions) error {
	if options.Config.Namespace == "" {
		return fmt.Errorf("failed to add the gateway reconciler: no namespace for its ManagedResources")
	}
	c, err := controller.New(GatewayControllerName, mgr, controller.Options{
		Reconciler:              NewGatewayReconciler(mgr.GetClient(), options.Config),
		MaxConcurrentReconciles: 1,
		RateLimiter:             NewRetryRateLimiter(cmp.Or(options.MaxRetryDelay, DefaultMaxRetryDelay)),
	})
	if err != nil {
		return fmt.Errorf("failed to create the gateway reconciler: %w", err)
	}
	enqueue := debounced(cmp.Or(options.Debounce, DefaultGatewayDebounce))
	watch := func(object client.Object, predicates ...predicate.Predicate) error {
		if err := c.Watch(source.Kind[client.Object](mgr.GetCache(), object, enqueue, predicates...)); err != nil {
			return fmt.Errorf("failed to watch %T: %w", object, err)
		}
		return nil
	}
	for _, w := range []struct {
		object     client.Object
		predicates []predicate.Predicate
	}{
		{&extensionsv1alpha1.Extension{}, []predicate.Predicate{predicate.NewPredicateFuncs(func(object client.Object) bool {
			extension, ok := object.(*extensionsv1alpha1.Extension)
			return ok && extension.Spec.Type == constants.ExtensionType
		})}},
		{&extensionsv1alpha1.Cluster{}, []predicate.Predicate{predicate.Funcs{
			UpdateFunc: func(e event.UpdateEvent) bool { return clusterSourcesChanged(e.ObjectOld, e.ObjectNew) },
		}}},
		{&extensionsv1alpha1.Infrastructure{}, nil},
		{&istionetworkingv1beta1.Gateway{}, nil},
		{&istionetworkingv1beta1.VirtualService{}, nil},
		{&networkingv1.Ingress{}, nil},
		{&corev1.Service{}, []predicate.Predicate{isIngressGateway}},
		{&appsv1.Deployment{}, []predicate.Predicate{isIngressGateway}},
		{&istionetworkingv1alpha3.EnvoyFilter{}, []predicate.Predicate{isIngressGateway}},
		{&corev1.ConfigMap{}, []predicate.Predicate{predicate.NewPredicateFuncs(func(object client.Object) bool {
			return object.GetNamespace() == constants.SeedShootInfoNamespace && object.GetName() == constants.SeedShootInfoName
		})}},
		// A shared ManagedResource deleted by hand takes a gateway's shared filters with it.
		{&resourcesv1alpha1.ManagedResource{}, []predicate.Predicate{predicate.Funcs{
			CreateFunc:  func(event.CreateEvent) bool { return false },
			UpdateFunc:  func(event.UpdateEvent) bool { return false },
			GenericFunc: func(event.GenericEvent) bool { return false },
			DeleteFunc: func(e event.DeleteEvent) bool {
				_, shared := e.Object.GetLabels()[constants.SharedIngressNamespaceLabel]
				return shared && e.Object.GetNamespace() == options.Config.Namespace
			},
		}}},
	} {
		if err := watch(w.object, w.predicates...); err != nil {
			return err
		}
	}
	return nil
}

// debounced enqueues sharedKey after delay for every event; the queue keeps one pending request, so a burst of
// changes (a seed-wide change rewrites every shoot's status) becomes one reconcile.
func debounced(delay time.Duration) handler.EventHandler {
	add := func(q workqueue.TypedRateLimitingInterface[reconcile.Request]) { q.AddAfter(sharedKey, delay) }
	return handler.Funcs{
		CreateFunc: func(_ context.Context, _ event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(q)
		},
		UpdateFunc: func(_ context.Context, _ event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(q)
		},
		DeleteFunc: func(_ context.Context, _ event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(q)
		},
		GenericFunc: func(_ context.Context, _ event.GenericEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(q)
		},
	}
}
