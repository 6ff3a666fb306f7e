// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"context"
	"errors"
	"fmt"

	extensionsv1alpha1helper "github.com/gardener/gardener/pkg/api/extensions/v1alpha1/helper"
	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/util/sets"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
)

// sharedPlan is the shared configuration of every ingress gateway of the seed.
type sharedPlan struct {
	// gateways are the configurations to deploy, by ingress namespace.
	gateways envoyfilter.SharedGateways
	// held are the ingress namespaces whose deployed configuration must stay as it is: a shoot they served cannot be
	// computed now, and writing without it would drop its rules.
	held sets.Set[string]
	// holdAll is set when such a shoot's ingress gateways are not known: then no configuration is written or deleted.
	holdAll bool
	// retry are the errors that a later attempt may not see (not the shoot owner's invalid rules).
	retry error
}

// deployable tells whether the configuration of an ingress namespace may be written or deleted.
func (p sharedPlan) deployable(namespace string) bool {
	return !p.holdAll && !p.held.Has(namespace)
}

// planShared computes, with the actuator's function (readShootInput), every ACL shoot's admitted sources and the
// ingress gateways that serve it, and groups the shoots by ingress namespace. Every ingress gateway of the seed is in
// the plan, with or without ACL shoots (exposure.IngressGateways): its shared listeners keep the slots when its first
// ACL shoot comes and its last one goes, so neither changes a listener. Extensions that are being deleted leave the
// shared configuration. A shoot whose input cannot be computed (invalid rules, a missing
// Cluster, a Gateway without ingress gateway) is left out if the actuator never enforced anything for it (no provider
// status); otherwise its ingress gateways are held (sharedPlan.held), so that they keep enforcing what they enforced
// before, as the actuator keeps its previous filters.
func planShared(ctx context.Context, log logr.Logger, reader client.Reader, config Config) (sharedPlan, error) {
	extensions := &extensionsv1alpha1.ExtensionList{}
	if err := reader.List(ctx, extensions); err != nil {
		return sharedPlan{}, fmt.Errorf("failed to list Extensions: %w", err)
	}
	plan := sharedPlan{gateways: envoyfilter.SharedGateways{}, held: sets.New[string]()}
	deployments, err := ingressGatewayDeployments(ctx, reader)
	if err != nil {
		return sharedPlan{}, err
	}
	// The seed's nginx observability Gateways are in the garden namespace; they give the gateways' shared SNI chains.
	gardenGateways, err := istioGateways(ctx, reader, v1beta1constants.GardenNamespace)
	if err != nil {
		return sharedPlan{}, err
	}
	for _, gateway := range exposure.IngressGateways(deployments, gardenGateways) {
		plan.gateways.AddGateway(gateway)
	}
	var retry []error
	for i := range extensions.Items {
		ex := &extensions.Items[i]
		if !sharesGateways(ex) {
			continue
		}
		shoot, err := readShootInput(ctx, reader, config, ex)
		if err != nil {
			if ex.Status.ProviderStatus == nil {
				log.Info("Leaving a shoot out of the shared listeners: its rules were never enforced", "namespace", ex.Namespace, "reason", err.Error())
				continue
			}
			if !isConfigurationProblem(err) {
				retry = append(retry, err)
			}
			held, findErr := servingGateways(ctx, reader, ex.Namespace)
			if findErr != nil {
				log.Info("Holding the shared listeners of every ingress gateway", "namespace", ex.Namespace, "reason", err.Error(), "exposure", findErr.Error())
				plan.holdAll = true
				continue
			}
			log.Info("Holding the shared listeners of the shoot's ingress gateways", "namespace", ex.Namespace, "reason", err.Error(), "ingressNamespaces", sets.List(held))
			plan.held.Insert(sets.List(held)...)
			continue
		}
		plan.gateways.Add(shoot.Built.Input)
	}
	plan.retry = errors.Join(retry...)
	return plan, nil
}

// sharesGateways tells whether an Extension's shoot belongs into the shared listeners: an acl Extension of a shoot
// that is not being deleted. A shoot being migrated to another seed stays until gardener deletes its Extension: its
// kube-apiserver still runs here meanwhile (gardener migrates extensions before it deletes the control plane), and
// Migrate keeps its own EnvoyFilter for the same reason.
func sharesGateways(ex *extensionsv1alpha1.Extension) bool {
	return ex.Spec.Type == constants.ExtensionType &&
		extensionsv1alpha1helper.GetExtensionClassOrDefault(ex.Spec.Class) == extensionsv1alpha1.ExtensionClassShoot &&
		ex.DeletionTimestamp == nil
}

// servingGateways returns the ingress namespaces that serve the shoot of a control plane namespace, from the objects the
// actuator reads (exposureObjects); it needs neither the rules nor the Cluster.
func servingGateways(ctx context.Context, reader client.Reader, namespace string) (sets.Set[string], error) {
	objects, err := exposureObjects(ctx, reader, namespace)
	if err != nil {
		return nil, err
	}
	found, err := exposure.Find(objects)
	if err != nil {
		return nil, err
	}
	namespaces := sets.New[string]()
	for _, gateway := range found.Gateways {
		namespaces.Insert(gateway.Namespace)
	}
	return namespaces, nil
}
