// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package constants holds the names, labels and locations that more than one component of the ACL extension agrees
// on: the admission webhook, the controller, aclctl and the tests. Keeping them in one leaf package, as gardener's
// registry-cache extension does, means a name changes in one place and no package imports another only for a string.
// A constant that belongs to one package's API (the listener ports and headers pkg/envoyfilter renders, the names of
// the controller's reconcilers) stays in that package.
package constants

// The extension itself.
const (
	// ExtensionType is the type of the Shoot extension this project implements: spec.extensions[].type of a Shoot and
	// spec.type of the Extension resource the controller reconciles.
	ExtensionType = "acl"
	// MetricsNamespace prefixes the Prometheus metrics of every component, so that the webhook's and the controller's
	// metrics are found under one name.
	MetricsNamespace = "gardener_extension_acl"
)

// The seed objects the controller owns.
const (
	// ManagedResourceName is the name of the seed ManagedResource that holds a shoot's EnvoyFilters, in the shoot's
	// control plane namespace.
	ManagedResourceName = "extension-acl-envoyfilters"
	// SharedManagedResourcePrefix prefixes the name of the ManagedResource, in the controller's own namespace, that
	// holds the shared listeners' EnvoyFilters of an ingress gateway; the ingress namespace follows.
	SharedManagedResourcePrefix = "extension-acl-shared-"
	// SharedIngressNamespaceLabel labels a shared ManagedResource with the ingress namespace its EnvoyFilters go to.
	SharedIngressNamespaceLabel = "acl.extensions.gardener.cloud/ingress-namespace"
	// ControlPlaneNamespaceLabel labels a shoot's own EnvoyFilters with its control plane namespace. They live in the
	// ingress gateways' namespaces, so nothing deletes them with the shoot's namespace; the label lets the controller
	// find those a migrated shoot leaves behind once its control plane namespace is gone.
	ControlPlaneNamespaceLabel = "acl.extensions.gardener.cloud/control-plane-namespace"
)

// The gardener objects the extension reads.
const (
	// SeedShootInfoNamespace is the namespace of the seed's shoot-info ConfigMap, present only on seeds that are
	// themselves shoots (managed seeds): its egress CIDRs are where the seed's own traffic leaves.
	SeedShootInfoNamespace = "kube-system"
	// SeedShootInfoName is the name of the seed's shoot-info ConfigMap in SeedShootInfoNamespace.
	SeedShootInfoName = "shoot-info"
	// IngressGatewayLabelKey and IngressGatewayLabelValue label the Deployments, Services and EnvoyFilters gardener
	// deploys for the seed's istio ingress gateways (gardener v1.150 pkg/component/networking/istio: the istio-ingress
	// chart's .Values.labels, which always hold app: istio-ingressgateway).
	IngressGatewayLabelKey = "app"
	// IngressGatewayLabelValue is the value of IngressGatewayLabelKey on gardener's istio ingress gateways.
	IngressGatewayLabelValue = "istio-ingressgateway"
)
