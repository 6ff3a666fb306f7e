// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/utils/kubernetes/health"
	"github.com/gardener/gardener/pkg/utils/managedresources"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

// What the existing ACL extension for gardener (stackitcloud/gardener-extension-acl, extension type acl) leaves on a
// seed, as of commit a7549970a3f82ad1fb308aeac5a7d2e8d556cb0d:
//   - pkg/controller/actuator.go: the ManagedResource ResourceNameSeed = "acl-seed" (class seed, secret without name
//     prefix) in the shoot's control plane namespace, and the Extension's status.state {"istioNamespace": ...};
//   - charts/seed/templates/envoyfilter/envoyfilter-{api,vpn,http-proxy}.yaml: EnvoyFilters acl-api-<technical ID>,
//     acl-vpn-<technical ID> and acl-http-proxy-<technical ID> in the istio ingress namespace of the shoot
//     (targetNamespace, the namespace of the Deployment its kube-apiserver Gateway selects);
//   - charts/seed/templates/envoyfilter/envoyfilter-ingress.yaml: EnvoyFilter acl-ingress-<technical ID> in the
//     namespace istio-ingress.
const (
	// LegacyManagedResourceName is the seed ManagedResource of the existing ACL extension.
	LegacyManagedResourceName = "acl-seed"
	// legacyIngressNamespace is where the existing ACL extension puts its EnvoyFilter for the seed's ingress domain.
	legacyIngressNamespace = "istio-ingress"
)

// applyPollInterval and applyTimeout bound the wait for gardener-resource-manager to apply the shoot's EnvoyFilters
// before the existing extension's are removed.
var (
	applyPollInterval = time.Second
	applyTimeout      = time.Minute
)

// LegacyEnvoyFilterNames are the names of the EnvoyFilters the existing ACL extension deploys for a shoot.
func LegacyEnvoyFilterNames(technicalID string) []string {
	return []string{"acl-api-" + technicalID, "acl-vpn-" + technicalID, "acl-http-proxy-" + technicalID, "acl-ingress-" + technicalID}
}

// legacyState is the Extension status.state the existing ACL extension writes.
type legacyState struct {
	IstioNamespace *string `json:"istioNamespace"`
}

// removeLegacyObjects removes what the existing ACL extension deployed for the shoot: its ManagedResource
// (gardener-resource-manager then deletes the EnvoyFilters it applied) and, in case they outlived it, the EnvoyFilters
// by name. With waitForOwn it first waits until this controller's own EnvoyFilters are applied, so that the shoot is
// never left without filters. gatewayNamespaces are the istio ingress namespaces that serve the shoot. For shoots the existing extension
// never handled, or that were cleaned up before, it sends no request but one cached read. It reports whether it
// removed anything.
func (a *actuator) removeLegacyObjects(ctx context.Context, ex *extensionsv1alpha1.Extension, gatewayNamespaces []string, waitForOwn bool) (bool, error) {
	state := legacyState{}
	if ex.Status.State != nil && len(ex.Status.State.Raw) > 0 {
		// Any other state is not the existing extension's; it is left alone.
		_ = json.Unmarshal(ex.Status.State.Raw, &state)
	}
	managedResource := &resourcesv1alpha1.ManagedResource{}
	err := a.client.Get(ctx, client.ObjectKey{Namespace: ex.Namespace, Name: LegacyManagedResourceName}, managedResource)
	if client.IgnoreNotFound(err) != nil {
		return false, fmt.Errorf("failed to get the ManagedResource %s of the existing ACL extension: %w", LegacyManagedResourceName, err)
	}
	managedResourceFound := err == nil
	if !managedResourceFound && state.IstioNamespace == nil {
		return false, nil
	}

	if waitForOwn {
		if err := a.waitUntilApplied(ctx, ex.Namespace); err != nil {
			return false, err
		}
	}
	if managedResourceFound {
		if err := managedresources.Delete(ctx, a.client, ex.Namespace, LegacyManagedResourceName, false); err != nil {
			return false, fmt.Errorf("failed to delete the ManagedResource of the existing ACL extension: %w", err)
		}
	}
	namespaces := append(slices.Clone(gatewayNamespaces), legacyIngressNamespace)
	if state.IstioNamespace != nil {
		namespaces = append(namespaces, *state.IstioNamespace)
	}
	slices.Sort(namespaces)
	var errs []error
	for _, namespace := range slices.Compact(namespaces) {
		for _, name := range LegacyEnvoyFilterNames(ex.Namespace) {
			filter := &istionetworkingv1alpha3.EnvoyFilter{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
			if err := a.client.Delete(ctx, filter); client.IgnoreNotFound(err) != nil {
				errs = append(errs, fmt.Errorf("failed to delete the EnvoyFilter %s/%s of the existing ACL extension: %w", namespace, name, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return false, err
	}

	if state.IstioNamespace != nil {
		// The state is the existing extension's; gardenlet would otherwise carry it into the ShootState forever.
		patch := client.MergeFrom(ex.DeepCopy())
		ex.Status.State = nil
		if err := a.client.Status().Patch(ctx, ex, patch); err != nil {
			return false, fmt.Errorf("failed to remove the existing ACL extension's state: %w", err)
		}
	}
	return true, nil
}

// waitUntilApplied waits until gardener-resource-manager has applied the shoot's EnvoyFilters.
func (a *actuator) waitUntilApplied(ctx context.Context, namespace string) error {
	var lastErr error
	err := wait.PollUntilContextTimeout(ctx, applyPollInterval, applyTimeout, true, func(ctx context.Context) (bool, error) {
		managedResource := &resourcesv1alpha1.ManagedResource{}
		if err := a.client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: constants.ManagedResourceName}, managedResource); err != nil {
			lastErr = err
			return false, client.IgnoreNotFound(err)
		}
		lastErr = health.CheckManagedResourceApplied(managedResource)
		return lastErr == nil, nil
	})
	if err != nil {
		return fmt.Errorf("the EnvoyFilters are not applied yet, the existing ACL extension's stay until they are: %w", errors.Join(err, lastErr))
	}
	return nil
}
