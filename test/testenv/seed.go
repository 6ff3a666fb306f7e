// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"context"
	"fmt"

	"github.com/gardener/gardener/pkg/component"
	"github.com/gardener/gardener/pkg/component/crddeployer"
	extensionscrds "github.com/gardener/gardener/pkg/component/extensions/crds"
	"github.com/gardener/gardener/pkg/component/gardener/resourcemanager"
	"github.com/gardener/gardener/pkg/component/networking/istio"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Seed is a real kube-apiserver and etcd with the CRDs that gardenlet installs into a seed cluster.
type Seed struct {
	env *envtest.Environment
	// Config is the admin rest config of the running kube-apiserver.
	Config *rest.Config
	// Client is an admin client that knows the seed scheme.
	Client client.Client
}

// StartSeed starts kube-apiserver and etcd and installs the extensions, ManagedResource and istio CRDs with the same
// deployers gardenlet uses, so the tests see exactly the schemas a seed serves.
func StartSeed(ctx context.Context) (*Seed, error) {
	if err := CheckAssets(); err != nil {
		return nil, err
	}

	env := &envtest.Environment{ErrorIfCRDPathMissing: true}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("failed to start envtest control plane: %w", err)
	}
	seed := &Seed{env: env, Config: cfg}

	seed.Client, err = client.New(cfg, client.Options{Scheme: SeedScheme()})
	if err != nil {
		return nil, stopAfter(seed.Stop, fmt.Errorf("failed to create seed client: %w", err))
	}
	if err := InstallSeedCRDs(ctx, seed.Client); err != nil {
		return nil, stopAfter(seed.Stop, err)
	}
	return seed, nil
}

// Stop stops kube-apiserver and etcd.
func (s *Seed) Stop() error {
	return s.env.Stop()
}

// stopAfter stops a test environment whose start failed half-way, keeping the start error as the one reported.
func stopAfter(stop func() error, err error) error {
	if stopErr := stop(); stopErr != nil {
		return fmt.Errorf("%w (and failed to stop the test environment: %w)", err, stopErr)
	}
	return err
}

// InstallSeedCRDs installs the extensions, ManagedResource and istio CRDs with the deployers gardenlet uses and waits
// until they are established.
func InstallSeedCRDs(ctx context.Context, c client.Client) error {
	extensions, err := extensionscrds.NewCRD(c, true, true)
	if err != nil {
		return fmt.Errorf("failed to load extensions CRDs: %w", err)
	}
	istioCRDs, err := istio.NewCRD(c)
	if err != nil {
		return fmt.Errorf("failed to load istio CRDs: %w", err)
	}
	managedResources, err := crddeployer.New(c, []string{resourcemanager.CRD}, false)
	if err != nil {
		return fmt.Errorf("failed to load ManagedResource CRD: %w", err)
	}

	for _, deployer := range []component.DeployWaiter{extensions, istioCRDs, managedResources} {
		if err := deployer.Deploy(ctx); err != nil {
			return fmt.Errorf("failed to deploy CRDs: %w", err)
		}
		if err := deployer.Wait(ctx); err != nil {
			return fmt.Errorf("failed waiting for CRDs to be established: %w", err)
		}
	}
	return nil
}
