// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"context"
	"fmt"

	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"k8s.io/apimachinery/pkg/util/sets"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

// appliedSlots returns, by ingress namespace, the shared slot EnvoyFilters gardener-resource-manager has applied there
// (appliedSharedFilters). A shoot's own EnvoyFilter keeps its filters in a gateway's shared listeners and chains until
// all of the gateway's envoyfilter.SlotFilters for the shoot are applied, so that no step of switching a seed to the
// slots, and no gateway or shared chain that is new, leaves the shoot's requests there unprotected. Without a
// namespace for the shared ManagedResources nothing is applied.
func appliedSlots(ctx context.Context, reader client.Reader, namespace string) (map[string]sets.Set[string], error) {
	applied := map[string]sets.Set[string]{}
	if namespace == "" {
		return applied, nil
	}
	deployed, err := sharedManagedResources(ctx, reader, namespace)
	if err != nil {
		return nil, err
	}
	for i := range deployed.Items {
		applied[deployed.Items[i].Labels[constants.SharedIngressNamespaceLabel]] = appliedSharedFilters(&deployed.Items[i])
	}
	return applied, nil
}

// appliedSharedFilters returns the names of the EnvoyFilters a shared ManagedResource has put in place:
// gardener-resource-manager lists the objects of a ManagedResource in its status only after it applied all of them (a
// failed apply updates only the conditions: pkg/resourcemanager/controller/managedresource/reconciler.go, gardener
// v1.150.0), so a name in the status means that filter and everything applied with it exist. A ManagedResource being
// deleted has none: its objects are about to go.
func appliedSharedFilters(managedResource *resourcesv1alpha1.ManagedResource) sets.Set[string] {
	applied := sets.New[string]()
	namespace, shared := managedResource.Labels[constants.SharedIngressNamespaceLabel]
	if !shared || managedResource.DeletionTimestamp != nil {
		return applied
	}
	for _, resource := range managedResource.Status.Resources {
		if resource.Kind == "EnvoyFilter" && resource.Namespace == namespace {
			applied.Insert(resource.Name)
		}
	}
	return applied
}

// sharedManagedResources lists the shared ManagedResources the gateway reconciler keeps in namespace.
func sharedManagedResources(ctx context.Context, reader client.Reader, namespace string) (*resourcesv1alpha1.ManagedResourceList, error) {
	deployed := &resourcesv1alpha1.ManagedResourceList{}
	if err := reader.List(ctx, deployed, client.InNamespace(namespace), client.HasLabels{constants.SharedIngressNamespaceLabel}); err != nil {
		return nil, fmt.Errorf("failed to list the shared ManagedResources: %w", err)
	}
	return deployed, nil
}

// asManagedResource returns the ManagedResource of a watch event, or an empty one for any other object.
func asManagedResource(object client.Object) *resourcesv1alpha1.ManagedResource {
	if managedResource, ok := object.(*resourcesv1alpha1.ManagedResource); ok {
		return managedResource
	}
	return &resourcesv1alpha1.ManagedResource{}
}
