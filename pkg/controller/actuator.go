// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gardener/gardener/extensions/pkg/controller/extension"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	"github.com/gardener/gardener/pkg/utils/managedresources"
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	aclv1alpha1 "github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/v1alpha1"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
)

// deleteTimeout bounds the wait for gardener-resource-manager to remove a shoot's EnvoyFilters.
const deleteTimeout = 2 * time.Minute

// aclStatusKind is the kind of the provider status the actuator writes, registered in the acl API group.
const aclStatusKind = "ACLStatus"

type actuator struct {
	client   client.Client
	recorder events.EventRecorder
	config   Config
}

// NewActuator returns the actuator of Extension resources of type acl.
func NewActuator(c client.Client, recorder events.EventRecorder, config Config) extension.Actuator {
	return &actuator{client: c, recorder: recorder, config: config}
}

// Reconcile renders the shoot's EnvoyFilters and deploys them through a seed ManagedResource.
func (a *actuator) Reconcile(ctx context.Context, log logr.Logger, ex *extensionsv1alpha1.Extension) error {
	return observe("reconcile", a.reconcile(ctx, log, ex))
}

func (a *actuator) reconcile(ctx context.Context, log logr.Logger, ex *extensionsv1alpha1.Extension) error {
	shoot, err := readShootInput(ctx, a.client, a.config, ex)
	if err != nil {
		return err
	}
	validated, built := shoot.Validated, shoot.Built
	input, alwaysAllowed, found := built.Input, built.AlwaysAllowed, built.Exposure
	warnings := validated.Warnings.Strings()
	if len(warnings) > 0 {
		a.recorder.Eventf(ex, nil, corev1.EventTypeWarning, "RulesWarnings", "Reconcile", "The ACL rules are enforced with warnings: %s", strings.Join(warnings, "; "))
	}
	if alwaysAllowed.EgressUnknown {
		a.recorder.Eventf(ex, nil, corev1.EventTypeWarning, "EgressUnknown", "Reconcile", "The shoot has workers but no egress CIDRs are known: its nodes reach the control plane only if the ACL rules allow them")
	}
	if len(found.ClientAddressesHidden) > 0 {
		// The filters are deployed all the same: they cost nothing, restrict whatever arrives with its own address, and
		// take effect as soon as the seed keeps client addresses. Refusing them would protect nothing either.
		a.recorder.Eventf(ex, nil, corev1.EventTypeWarning, "ClientAddressesHidden", "Reconcile", "The ingress gateways %v cannot see client addresses (externalTrafficPolicy Cluster without PROXY protocol): their load balancer replaces them with seed node addresses, which are always admitted, so the ACL rules do not restrict clients that come through them", found.ClientAddressesHidden)
	}

	applied, err := appliedSlots(ctx, a.client, a.config.Namespace)
	if err != nil {
		return err
	}
	for i := range input.Gateways {
		gateway := &input.Gateways[i]
		gateway.InlineSharedListeners = !applied[gateway.Namespace].HasAll(envoyfilter.SlotFilters(*gateway, input.TechnicalID)...)
	}
	filters, err := envoyfilter.Render(input)
	if err != nil {
		return fmt.Errorf("failed to render EnvoyFilters: %w", err)
	}
	data, err := envoyfilter.ManagedResourceData(filters)
	if err != nil {
		return err
	}
	if err := managedresources.CreateForSeed(ctx, a.client, ex.Namespace, constants.ManagedResourceName, false, data); err != nil {
		return fmt.Errorf("failed to deploy the EnvoyFilters: %w", err)
	}
	gatewayNamespaces := make([]string, 0, len(found.Gateways))
	for _, gateway := range found.Gateways {
		gatewayNamespaces = append(gatewayNamespaces, gateway.Namespace)
	}
	if removed, err := a.removeLegacyObjects(ctx, ex, gatewayNamespaces, true); err != nil {
		return err
	} else if removed {
		log.Info("Removed the objects of the existing ACL extension", "managedResource", LegacyManagedResourceName)
		a.recorder.Eventf(ex, nil, corev1.EventTypeNormal, "TookOver", "Reconcile", "Removed the ManagedResource %s and EnvoyFilters %v of the existing ACL extension after the new EnvoyFilters were applied", LegacyManagedResourceName, LegacyEnvoyFilterNames(ex.Namespace))
	}
	log.V(1).Info("Deployed EnvoyFilters", "gateways", len(filters), "ipv4Prefixes", len(validated.Policy.IPv4), "ipv6Prefixes", len(validated.Policy.IPv6))
	recordRenderedPrefixes(ex.Namespace, input)
	recordClientAddressesHidden(ex.Namespace, found)
	egressUnknown.WithLabelValues(ex.Namespace).Set(boolGauge(alwaysAllowed.EgressUnknown))
	audited.WithLabelValues(ex.Namespace).Set(boolGauge(validated.Policy.Audited()))

	// The status is encoded with encoding/json, which writes apiVersion and kind only as set here, so that clients can
	// decode it with the acl API's scheme.
	return a.updateProviderStatus(ctx, ex, &aclv1alpha1.ACLStatus{
		TypeMeta:              metav1.TypeMeta{APIVersion: aclv1alpha1.SchemeGroupVersion.String(), Kind: aclStatusKind},
		Mode:                  aclv1alpha1.Mode(validated.Policy.Mode),
		IPv4Prefixes:          len(validated.Policy.IPv4),
		IPv6Prefixes:          len(validated.Policy.IPv6),
		Hash:                  validated.Policy.Hash(),
		EgressUnknown:         alwaysAllowed.EgressUnknown,
		ClientAddressesHidden: found.ClientAddressesHidden,
		Warnings:              warnings,
	})
}

// updateProviderStatus writes the provider status only when it changed, so that a reconcile that changes nothing
// sends no request. The stored status is compared as a JSON value, not as bytes: the API server returns it with its
// keys sorted, not in the order the controller wrote them.
func (a *actuator) updateProviderStatus(ctx context.Context, ex *extensionsv1alpha1.Extension, status *aclv1alpha1.ACLStatus) error {
	raw, err := json.Marshal(status)
	if err != nil {
		return fmt.Errorf("failed to encode the provider status: %w", err)
	}
	if ex.Status.ProviderStatus != nil && sameJSON(ex.Status.ProviderStatus.Raw, raw) {
		return nil
	}
	patch := client.MergeFrom(ex.DeepCopy())
	ex.Status.ProviderStatus = &runtime.RawExtension{Raw: raw}
	if err := a.client.Status().Patch(ctx, ex, patch); err != nil {
		return fmt.Errorf("failed to update the provider status: %w", err)
	}
	return nil
}

// Delete removes the shoot's EnvoyFilters and waits until gardener-resource-manager has removed them.
func (a *actuator) Delete(ctx context.Context, _ logr.Logger, ex *extensionsv1alpha1.Extension) error {
	return observe("delete", a.delete(ctx, ex))
}

func (a *actuator) delete(ctx context.Context, ex *extensionsv1alpha1.Extension) error {
	forgetMetrics(ex.Namespace)
	// A shoot that leaves the acl extension before a reconcile took it over must not keep the existing extension's
	// filters either.
	if _, err := a.removeLegacyObjects(ctx, ex, nil, false); err != nil {
		return err
	}
	if err := managedresources.DeleteForSeed(ctx, a.client, ex.Namespace, constants.ManagedResourceName); err != nil {
		return fmt.Errorf("failed to delete the EnvoyFilters: %w", err)
	}
	timeoutCtx, cancel := context.WithTimeout(ctx, deleteTimeout)
	defer cancel()
	if err := managedresources.WaitUntilDeleted(timeoutCtx, a.client, ex.Namespace, constants.ManagedResourceName); err != nil {
		return fmt.Errorf("failed waiting for the EnvoyFilters to be deleted: %w", err)
	}
	return nil
}

// ForceDelete removes the shoot's EnvoyFilters without waiting.
func (a *actuator) ForceDelete(ctx context.Context, _ logr.Logger, ex *extensionsv1alpha1.Extension) error {
	forgetMetrics(ex.Namespace)
	var err error
	if deleteErr := managedresources.DeleteForSeed(ctx, a.client, ex.Namespace, constants.ManagedResourceName); deleteErr != nil {
		err = fmt.Errorf("failed to delete the EnvoyFilters: %w", deleteErr)
	}
	return observe("force-delete", err)
}

// Migrate hands the shoot over to another seed: the ManagedResource goes, the EnvoyFilters stay until the shoot's
// control plane has left this seed.
func (a *actuator) Migrate(ctx context.Context, _ logr.Logger, ex *extensionsv1alpha1.Extension) error {
	if err := managedresources.SetKeepObjects(ctx, a.client, ex.Namespace, constants.ManagedResourceName, true); client.IgnoreNotFound(err) != nil {
		return observe("migrate", fmt.Errorf("failed to keep the EnvoyFilters: %w", err))
	}
	return observe("migrate", a.delete(ctx, ex))
}

// Restore re-creates the shoot's EnvoyFilters on the seed that took over the shoot.
func (a *actuator) Restore(ctx context.Context, log logr.Logger, ex *extensionsv1alpha1.Extension) error {
	return observe("restore", a.reconcile(ctx, log, ex))
}

// recordClientAddressesHidden sets the gauge of ingress gateways that serve the shoot without seeing client addresses.
func recordClientAddressesHidden(namespace string, found exposure.Exposure) {
	clientAddressesHidden.DeletePartialMatch(map[string]string{shootNamespaceLabel: namespace})
	for _, gateway := range found.Gateways {
		clientAddressesHidden.WithLabelValues(namespace, gateway.Namespace).Set(boolGauge(slices.Contains(found.ClientAddressesHidden, gateway.Namespace)))
	}
}

// recordRenderedPrefixes sets the gauge of prefixes the shoot's filters admit, per family.
func recordRenderedPrefixes(namespace string, input envoyfilter.Input) {
	ipv4, ipv6 := 0, 0
	for _, prefix := range envoyfilter.AllowedPrefixes(input) {
		if prefix.Addr().Is4() {
			ipv4++
		} else {
			ipv6++
		}
	}
	renderedPrefixes.WithLabelValues(namespace, "ipv4").Set(float64(ipv4))
	renderedPrefixes.WithLabelValues(namespace, "ipv6").Set(float64(ipv6))
}

// forgetMetrics removes the gauges of a shoot that leaves the seed's care.
func forgetMetrics(namespace string) {
	for _, gauge := range shootGauges {
		gauge.DeletePartialMatch(map[string]string{shootNamespaceLabel: namespace})
	}
}

// boolGauge is a gauge's value for a condition: 1 when it holds.
func boolGauge(condition bool) float64 {
	if condition {
		return 1
	}
	return 0
}

// sameJSON tells whether two JSON documents hold the same value, whatever the order of their keys.
func sameJSON(a, b []byte) bool {
	var valueA, valueB any
	if json.Unmarshal(a, &valueA) != nil || json.Unmarshal(b, &valueB) != nil {
		return false
	}
	return apiequality.Semantic.DeepEqual(valueA, valueB)
}
