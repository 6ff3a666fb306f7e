// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"context"
	"fmt"
	"slices"

	extensionscontroller "github.com/gardener/gardener/extensions/pkg/controller"
	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
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
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
)

// watches returns the watches of every input that changes a shoot's EnvoyFilters besides its Extension and Cluster,
// whose changes the extension library sees through gardener's operation annotation: the istio Gateways and
// VirtualServices, the Ingresses and the Infrastructure of a control plane namespace, the deletion of its
// ManagedResource, and Cluster changes of the admitted sources enqueue that shoot only; the ingress gateways'
// Deployments, Services and EnvoyFilters, the seed's observability Gateway and its shoot-info concern every shoot, and
// so does a gateway's shared ManagedResource (in namespace, the controller's own) when its slot filters come or go.
func watches(mgr manager.Manager, namespace string) extensionscontroller.WatchBuilder {
	sameNamespace := handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, object client.Object) []reconcile.Request {
		return aclExtensions(ctx, mgr.GetClient(), client.InNamespace(object.GetNamespace()))
	})
	// A Cluster is named after the control plane namespace it describes.
	clusterNamespace := handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, object client.Object) []reconcile.Request {
		return aclExtensions(ctx, mgr.GetClient(), client.InNamespace(object.GetName()))
	})
	everyShoot := handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, _ client.Object) []reconcile.Request {
		return aclExtensions(ctx, mgr.GetClient())
	})

	return extensionscontroller.NewWatchBuilder(
		func(c controller.Controller) error {
			// Every Gateway of a control plane namespace serves that shoot (kube-apiserver and observability hosts).
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &istionetworkingv1beta1.Gateway{}, sameNamespace, predicate.NewPredicateFuncs(func(object client.Object) bool {
				return object.GetNamespace() != v1beta1constants.GardenNamespace
			})))
		},
		func(c controller.Controller) error {
			// The TLS routes of the shoot's VirtualServices decide how istio groups its passthrough hosts into chains.
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &istionetworkingv1beta1.VirtualService{}, sameNamespace))
		},
		func(c controller.Controller) error {
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &istionetworkingv1beta1.Gateway{}, everyShoot, predicate.NewPredicateFuncs(func(object client.Object) bool {
				return object.GetNamespace() == v1beta1constants.GardenNamespace && exposure.IsObservabilityGateway(object.GetName())
			})))
		},
		func(c controller.Controller) error {
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &networkingv1.Ingress{}, sameNamespace))
		},
		func(c controller.Controller) error {
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &extensionsv1alpha1.Infrastructure{}, sameNamespace))
		},
		func(c controller.Controller) error {
			// gardener's extension library does not enqueue on Cluster changes unless the operation annotation is
			// ignored, and then drops them in its predicates; the shoot's and seed's networks and egress CIDRs live
			// there, so a change of what they contribute to the admitted sources enqueues the shoot itself.
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &extensionsv1alpha1.Cluster{}, clusterNamespace, predicate.Funcs{
				CreateFunc:  func(event.CreateEvent) bool { return false },
				UpdateFunc:  func(e event.UpdateEvent) bool { return clusterSourcesChanged(e.ObjectOld, e.ObjectNew) },
				DeleteFunc:  func(event.DeleteEvent) bool { return false },
				GenericFunc: func(event.GenericEvent) bool { return false },
			}))
		},
		func(c controller.Controller) error {
			// A shoot's ManagedResource deleted by anything but the controller takes its EnvoyFilters with it: the
			// shoot would stay unprotected until the next reconcile, so the deletion itself triggers one. Status
			// updates of gardener-resource-manager are not interesting here.
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &resourcesv1alpha1.ManagedResource{}, sameNamespace, predicate.Funcs{
				CreateFunc:  func(event.CreateEvent) bool { return false },
				UpdateFunc:  func(event.UpdateEvent) bool { return false },
				GenericFunc: func(event.GenericEvent) bool { return false },
				DeleteFunc:  func(e event.DeleteEvent) bool { return e.Object.GetName() == constants.ManagedResourceName },
			}))
		},
		func(c controller.Controller) error {
			// Once a gateway's shared slot filters are applied, every shoot's own EnvoyFilter drops its filters from
			// that gateway's shared listeners and chains, and takes them back when the slots go; all shoots at once, so that
			// istiod's push debounce makes one listener change of the whole switch, not one per shoot.
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &resourcesv1alpha1.ManagedResource{}, everyShoot, predicate.Funcs{
				CreateFunc: func(e event.CreateEvent) bool {
					return e.Object.GetNamespace() == namespace && appliedSharedFilters(asManagedResource(e.Object)).Len() > 0
				},
				UpdateFunc: func(e event.UpdateEvent) bool {
					return e.ObjectNew.GetNamespace() == namespace &&
						!appliedSharedFilters(asManagedResource(e.ObjectOld)).Equal(appliedSharedFilters(asManagedResource(e.ObjectNew)))
				},
				DeleteFunc: func(e event.DeleteEvent) bool {
					_, shared := e.Object.GetLabels()[constants.SharedIngressNamespaceLabel]
					return shared && e.Object.GetNamespace() == namespace
				},
				GenericFunc: func(event.GenericEvent) bool { return false },
			}))
		},
		func(c controller.Controller) error {
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &corev1.Service{}, everyShoot, isIngressGateway))
		},
		func(c controller.Controller) error {
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &appsv1.Deployment{}, everyShoot, isIngressGateway))
		},
		func(c controller.Controller) error {
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &istionetworkingv1alpha3.EnvoyFilter{}, everyShoot, isIngressGateway))
		},
		func(c controller.Controller) error {
			return c.Watch(source.Kind[client.Object](mgr.GetCache(), &corev1.ConfigMap{}, everyShoot, predicate.NewPredicateFuncs(func(object client.Object) bool {
				return object.GetNamespace() == constants.SeedShootInfoNamespace && object.GetName() == constants.SeedShootInfoName
			})))
		},
	)
}

// isIngressGateway selects the objects of the seed's istio ingress gateways: their Deployments, Services and the
// EnvoyFilters gardener deploys with them, which all carry the gateway's labels.
var isIngressGateway = predicate.NewPredicateFuncs(func(object client.Object) bool {
	return exposure.IsIngressGatewayObject(object.GetLabels())
})

// clusterSourcesChanged tells whether a Cluster update changes the always-allowed sources the Cluster contributes: the
// seed's and the shoot's networks, the shoot's egress CIDRs, and whether unknown egress is to be reported. Most Cluster
// updates (the shoot's last operation, its conditions) do not. A Cluster that cannot be read is taken as changed.
func clusterSourcesChanged(oldObject, newObject client.Object) bool {
	oldSources, oldErr := clusterSources(oldObject)
	newSources, newErr := clusterSources(newObject)
	if oldErr != nil || newErr != nil {
		return true
	}
	return oldSources.EgressUnknown != newSources.EgressUnknown || !slices.Equal(oldSources.Prefixes, newSources.Prefixes)
}

func clusterSources(object client.Object) (exposure.AlwaysAllowed, error) {
	cluster, ok := object.(*extensionsv1alpha1.Cluster)
	if !ok {
		return exposure.AlwaysAllowed{}, fmt.Errorf("not a Cluster: %T", object)
	}
	// Decoded as the actuator's GetCluster decodes them, so both see the same sources.
	shoot, err := extensionscontroller.ShootFromCluster(cluster)
	if err != nil {
		return exposure.AlwaysAllowed{}, fmt.Errorf("failed to decode the Shoot of Cluster %s: %w", cluster.Name, err)
	}
	seed, err := extensionscontroller.SeedFromCluster(cluster)
	if err != nil {
		return exposure.AlwaysAllowed{}, fmt.Errorf("failed to decode the Seed of Cluster %s: %w", cluster.Name, err)
	}
	return exposure.ReadAlwaysAllowed(exposure.Sources{Seed: seed, Shoot: shoot})
}

// aclExtensions returns a request for every Extension of type acl that the list options select.
func aclExtensions(ctx context.Context, reader client.Reader, options ...client.ListOption) []reconcile.Request {
	list := &extensionsv1alpha1.ExtensionList{}
	if err := reader.List(ctx, list, options...); err != nil {
		logf.FromContext(ctx).Error(err, "Failed to list Extensions to enqueue")
		return nil
	}
	var requests []reconcile.Request
	for _, extension := range list.Items {
		if extension.Spec.Type == constants.ExtensionType {
			requests = append(requests, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&extension)})
		}
	}
	return requests
}
