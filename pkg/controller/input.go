// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"context"
	"fmt"

	extensionscontroller "github.com/gardener/gardener/extensions/pkg/controller"
	v1beta1helper "github.com/gardener/gardener/pkg/api/core/v1beta1/helper"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
)

// shootInput is everything that decides the EnvoyFilters of the shoot of an Extension.
type shootInput struct {
	// Validated are the shoot's rules as the webhook validates them, with their compiled policy.
	Validated validation.Result
	// Built is what the seed's objects add: the render input, the always-allowed sources and the exposure.
	Built exposure.RenderInput
}

// readShootInput reads and validates everything that decides the EnvoyFilters of the shoot of an Extension. The
// actuator (the shoot's own objects) and the gateway reconciler (the shared listeners' slots) both call it, so that both
// enforce the same admitted sources for the shoot. Invalid rules are an error with the code of a configuration problem
// (isConfigurationProblem).
func readShootInput(ctx context.Context, reader client.Reader, config Config, ex *extensionsv1alpha1.Extension) (shootInput, error) {
	cluster, err := extensionscontroller.GetCluster(ctx, reader, ex.Namespace)
	if err != nil {
		return shootInput{}, fmt.Errorf("failed to get the Cluster of namespace %s: %w", ex.Namespace, err)
	}
	if cluster.Shoot == nil || cluster.Seed == nil {
		return shootInput{}, fmt.Errorf("the Cluster of namespace %s has no Shoot or Seed", ex.Namespace)
	}

	var raw []byte
	if ex.Spec.ProviderConfig != nil {
		raw = ex.Spec.ProviderConfig.Raw
	}
	// The webhook admits on update what it refuses on create (unchanged providerConfigs, ratcheted entries), and shoots
	// of the existing ACL extension were admitted before it existed: whatever has a single meaning is enforced as Envoy
	// matched it, and reported.
	validated := validation.EnforceProviderConfig(raw, field.NewPath("spec", "providerConfig"), config.Limits)
	if len(validated.Errors) > 0 {
		// Invalid rules are the shoot owner's to fix; retrying does not help, and the old filters stay in place.
		return shootInput{}, v1beta1helper.NewErrorWithCodes(fmt.Errorf("invalid ACL rules: %w", validated.Errors.ToAggregate()), gardencorev1beta1.ErrorConfigurationProblem)
	}

	built, err := renderInput(ctx, reader, config, ex.Namespace, cluster, validated)
	if err != nil {
		return shootInput{}, err
	}
	return shootInput{Validated: validated, Built: built}, nil
}

// isConfigurationProblem tells whether an error of readShootInput is the shoot owner's to fix.
func isConfigurationProblem(err error) bool {
	for _, code := range v1beta1helper.ExtractErrorCodes(err) {
		if code == gardencorev1beta1.ErrorConfigurationProblem {
			return true
		}
	}
	return false
}

// renderInput reads everything besides the rules that decides the shoot's EnvoyFilters and builds the render input
// as aclctl does (exposure.BuildRenderInput).
func renderInput(ctx context.Context, reader client.Reader, config Config, namespace string, cluster *extensionscontroller.Cluster, validated validation.Result) (exposure.RenderInput, error) {
	infrastructure := &extensionsv1alpha1.Infrastructure{}
	if err := reader.Get(ctx, client.ObjectKey{Namespace: namespace, Name: cluster.Shoot.Name}, infrastructure); err != nil {
		if !apierrors.IsNotFound(err) {
			return exposure.RenderInput{}, fmt.Errorf("failed to get the Infrastructure: %w", err)
		}
		infrastructure = nil
	}
	shootInfo := &corev1.ConfigMap{}
	if err := reader.Get(ctx, client.ObjectKey{Namespace: constants.SeedShootInfoNamespace, Name: constants.SeedShootInfoName}, shootInfo); err != nil {
		if !apierrors.IsNotFound(err) {
			return exposure.RenderInput{}, fmt.Errorf("failed to get the seed's shoot-info: %w", err)
		}
		shootInfo = nil
	}
	objects, err := exposureObjects(ctx, reader, namespace)
	if err != nil {
		return exposure.RenderInput{}, err
	}
	return exposure.BuildRenderInput(namespace, validated.Policy, exposure.Sources{
		Seed: cluster.Seed, Shoot: cluster.Shoot, Infrastructure: infrastructure, SeedShootInfo: shootInfo, Additional: config.AdditionalAllowedCIDRs,
	}, objects)
}

// exposureObjects lists the seed objects that decide where the shoot of a control plane namespace is exposed.
func exposureObjects(ctx context.Context, reader client.Reader, namespace string) (exposure.Objects, error) {
	objects := exposure.Objects{ControlPlaneNamespace: namespace}
	for _, gatewayNamespace := range []string{namespace, v1beta1constants.GardenNamespace} {
		gateways, err := istioGateways(ctx, reader, gatewayNamespace)
		if err != nil {
			return exposure.Objects{}, err
		}
		objects.Gateways = append(objects.Gateways, gateways...)
	}
	virtualServiceList := &istionetworkingv1beta1.VirtualServiceList{}
	if err := reader.List(ctx, virtualServiceList, client.InNamespace(namespace)); err != nil {
		return exposure.Objects{}, fmt.Errorf("failed to list istio VirtualServices: %w", err)
	}
	objects.VirtualServices = virtualServiceList.Items
	ingressList := &networkingv1.IngressList{}
	if err := reader.List(ctx, ingressList, client.InNamespace(namespace)); err != nil {
		return exposure.Objects{}, fmt.Errorf("failed to list Ingresses: %w", err)
	}
	objects.Ingresses = ingressList.Items

	ingressGateways := client.MatchingLabels{constants.IngressGatewayLabelKey: constants.IngressGatewayLabelValue}
	deployments, err := ingressGatewayDeployments(ctx, reader)
	if err != nil {
		return exposure.Objects{}, err
	}
	objects.IngressDeployments = deployments
	serviceList := &corev1.ServiceList{}
	if err := reader.List(ctx, serviceList, ingressGateways); err != nil {
		return exposure.Objects{}, fmt.Errorf("failed to list istio ingress gateway Services: %w", err)
	}
	objects.IngressServices = serviceList.Items
	envoyFilterList := &istionetworkingv1alpha3.EnvoyFilterList{}
	if err := reader.List(ctx, envoyFilterList, ingressGateways); err != nil {
		return exposure.Objects{}, fmt.Errorf("failed to list the istio ingress gateways' EnvoyFilters: %w", err)
	}
	objects.IngressEnvoyFilters = envoyFilterList.Items
	return objects, nil
}

// ingressGatewayDeployments lists the Deployments of the seed's istio ingress gateways.
func ingressGatewayDeployments(ctx context.Context, reader client.Reader) ([]appsv1.Deployment, error) {
	list := &appsv1.DeploymentList{}
	if err := reader.List(ctx, list, client.MatchingLabels{constants.IngressGatewayLabelKey: constants.IngressGatewayLabelValue}); err != nil {
		return nil, fmt.Errorf("failed to list istio ingress gateway Deployments: %w", err)
	}
	return list.Items, nil
}

// istioGateways lists the istio Gateways of a namespace.
func istioGateways(ctx context.Context, reader client.Reader, namespace string) ([]*istionetworkingv1beta1.Gateway, error) {
	list := &istionetworkingv1beta1.GatewayList{}
	if err := reader.List(ctx, list, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("failed to list istio Gateways of namespace %s: %w", namespace, err)
	}
	return list.Items, nil
}
