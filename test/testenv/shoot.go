// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"context"
	"fmt"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
)

// ShootEgressCIDR is where a ShootFixture's nodes reach the control plane from, as its Shoot's status reports it
// (status.networking.egressCIDRs) unless EgressUnknown is set.
const ShootEgressCIDR = "198.51.100.10/32"

// ShootFixture is a shoot with the acl extension on a seed that gardener v1.150's own code lays out
// (test/gardenerseed): the objects gardenlet deploys for the shoot's control plane (control plane namespace, Cluster,
// kube-apiserver and observability Gateways, VirtualServices, gardener's EnvoyFilters in the istio ingress
// namespace) and the Extension gardenlet would create for the acl extension.
type ShootFixture struct {
	// Seed is the seed the shoot's control plane runs on; gardenerseed's defaults when zero.
	Seed gardenerseed.Seed
	// Shoot is the shoot; gardenerseed's defaults (shoot--dev--web) when zero. Its Mutate runs after the fixture's own
	// changes below.
	Shoot gardenerseed.Shoot
	// ProviderConfig is the acl providerConfig of the Extension.
	ProviderConfig string
	// EgressUnknown leaves the egress CIDRs (ShootEgressCIDR) out of the Shoot's status, as for infrastructures that do
	// not report them.
	EgressUnknown bool
	// Hibernated marks the Shoot as hibernated.
	Hibernated bool
	// Workerless gives the Shoot no worker pools, hence no node network and no egress CIDRs.
	Workerless bool
}

// TechnicalID is the shoot's control plane namespace, e.g. shoot--dev--web.
func (f ShootFixture) TechnicalID() string {
	return f.Shoot.TechnicalID()
}

// IngressGateway returns the istio ingress gateway gardenlet exposes the shoot's kube-apiserver on.
func (f ShootFixture) IngressGateway(ctx context.Context) (gardenerseed.IngressGateway, error) {
	return gardenerseed.ShootIngressGateway(ctx, f.Seed, f.shoot())
}

// shoot is the gardenerseed shoot with the fixture's status and worker settings applied to the Shoot resource.
func (f ShootFixture) shoot() gardenerseed.Shoot {
	shoot := f.Shoot
	mutate := f.Shoot.Mutate
	shoot.Mutate = func(s *gardencorev1beta1.Shoot) {
		if !f.EgressUnknown && !f.Workerless {
			s.Status.Networking = &gardencorev1beta1.NetworkingStatus{EgressCIDRs: []string{ShootEgressCIDR}}
		}
		if f.Hibernated {
			s.Spec.Hibernation = &gardencorev1beta1.Hibernation{Enabled: ptr.To(true)}
			s.Status.IsHibernated = true
		}
		if f.Workerless {
			// A workerless Shoot keeps only its service network (gardener's API defaults and validates it so).
			s.Spec.Provider.Workers = nil
			s.Spec.Networking.Type, s.Spec.Networking.Pods, s.Spec.Networking.Nodes = nil, nil, nil
		}
		if mutate != nil {
			mutate(s)
		}
	}
	return shoot
}

// Create creates the seed's istio objects (CreateSeedIngress) and the fixture's objects, and returns the Extension.
func (f ShootFixture) Create(ctx context.Context, c client.Client) (*extensionsv1alpha1.Extension, error) {
	if err := CreateSeedIngress(ctx, c, f.Seed); err != nil {
		return nil, err
	}
	return f.CreateWithoutIngress(ctx, c)
}

// CreateWithoutIngress creates the fixture's objects for a shoot on a seed whose istio objects were created before,
// and returns the Extension.
func (f ShootFixture) CreateWithoutIngress(ctx context.Context, c client.Client) (*extensionsv1alpha1.Extension, error) {
	if err := f.ApplyControlPlane(ctx, c); err != nil {
		return nil, err
	}
	return f.CreateExtension(ctx, c)
}

// CreateExtension creates the shoot's acl Extension, as gardenlet does once the control plane exists, and returns it.
func (f ShootFixture) CreateExtension(ctx context.Context, c client.Client) (*extensionsv1alpha1.Extension, error) {
	extension := &extensionsv1alpha1.Extension{
		ObjectMeta: metav1.ObjectMeta{Name: "acl", Namespace: f.TechnicalID()},
		Spec: extensionsv1alpha1.ExtensionSpec{DefaultSpec: extensionsv1alpha1.DefaultSpec{
			Type: "acl", ProviderConfig: &runtime.RawExtension{Raw: []byte(f.ProviderConfig)},
		}},
	}
	if err := c.Create(ctx, extension); err != nil {
		return nil, fmt.Errorf("failed to create the Extension of %s: %w", f.TechnicalID(), err)
	}
	return extension, nil
}

// ApplyControlPlane creates or updates the objects gardenlet deploys for the shoot's control plane, as its next
// reconciliation would after a change of the fixture (e.g. the shoot became highly available, woke up, or the seed
// gained a wildcard certificate).
func (f ShootFixture) ApplyControlPlane(ctx context.Context, c client.Client) error {
	objects, err := gardenerseed.ControlPlane(ctx, f.Seed, f.shoot())
	if err != nil {
		return fmt.Errorf("failed to build the control plane of %s: %w", f.TechnicalID(), err)
	}
	if err := gardenerseed.Apply(ctx, c, objects); err != nil {
		return fmt.Errorf("failed to apply the control plane of %s: %w", f.TechnicalID(), err)
	}
	return nil
}

// CreateSeedIngress creates what gardener's istio component deploys into the seed (gardenerseed.Istio): istiod's mesh
// configuration and, per ingress gateway, its namespace, Deployment, both Services, Gateways and EnvoyFilters.
func CreateSeedIngress(ctx context.Context, c client.Client, seed gardenerseed.Seed) error {
	objects, err := gardenerseed.Istio(ctx, seed)
	if err != nil {
		return fmt.Errorf("failed to build the seed's istio objects: %w", err)
	}
	if err := gardenerseed.Apply(ctx, c, objects); err != nil {
		return fmt.Errorf("failed to create the seed's istio objects: %w", err)
	}
	return nil
}
