// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gardener/gardener/pkg/component"
	"github.com/gardener/gardener/pkg/component/crddeployer"
	extensionscrds "github.com/gardener/gardener/pkg/component/extensions/crds"
	"github.com/gardener/gardener/pkg/component/gardener/resourcemanager"
	"github.com/gardener/gardener/pkg/component/networking/istio"
	"github.com/gardener/gardener/pkg/component/observability/monitoring/prometheusoperator"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Seed is a real kube-apiserver and etcd with the CRDs that gardenlet installs into a seed cluster.
type Seed struct {
	env *envtest.Environment
	dir string
	// Config is the admin rest config of the running kube-apiserver.
	Config *rest.Config
	// Client is an admin client that knows the seed scheme.
	Client client.Client
}

// StartSeed starts kube-apiserver and etcd and installs the extensions, ManagedResource, istio and prometheus-operator CRDs with the same
// deployers gardenlet uses, so the tests see exactly the schemas a seed serves.
func StartSeed(ctx context.Context) (*Seed, error) {
	if err := CheckAssets(); err != nil {
		return nil, err
	}

	// The API server's certificates and etcd's data live in directories of the seed's own, not in ones envtest
	// allocates and removes on stop: RestartAPIServer then brings back the same server, which existing clients trust.
	dir, err := os.MkdirTemp("", "acl-seed-")
	if err != nil {
		return nil, fmt.Errorf("failed to create the seed's directory: %w", err)
	}
	env := &envtest.Environment{ErrorIfCRDPathMissing: true}
	env.ControlPlane.APIServer = &envtest.APIServer{CertDir: filepath.Join(dir, "kube-apiserver")}
	env.ControlPlane.Etcd = &envtest.Etcd{DataDir: filepath.Join(dir, "etcd")}
	for _, sub := range []string{env.ControlPlane.APIServer.CertDir, env.ControlPlane.Etcd.DataDir} {
		if err := os.MkdirAll(sub, 0o700); err != nil {
			return nil, fmt.Errorf("failed to create %s: %w", sub, err)
		}
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("failed to start envtest control plane: %w", err), os.RemoveAll(dir))
	}
	seed := &Seed{env: env, dir: dir, Config: cfg}

	seed.Client, err = client.New(cfg, client.Options{Scheme: SeedScheme()})
	if err != nil {
		return nil, stopAfter(seed.Stop, fmt.Errorf("failed to create seed client: %w", err))
	}
	if err := InstallSeedCRDs(ctx, seed.Client); err != nil {
		return nil, stopAfter(seed.Stop, err)
	}
	return seed, nil
}

// Stop stops kube-apiserver and etcd and removes their data.
func (s *Seed) Stop() error {
	return errors.Join(s.env.Stop(), os.RemoveAll(s.dir))
}

// RestartAPIServer crashes kube-apiserver (SIGTERM, SIGKILL a second later: with clients watching, a graceful
// shutdown takes longer than a test should wait), keeps it down for downtime, and starts it again on the same address
// with the same certificates; etcd keeps running, so no data is lost. Clients see connection errors meanwhile.
func (s *Seed) RestartAPIServer(downtime time.Duration) error {
	apiServer := s.env.ControlPlane.APIServer
	stopTimeout := apiServer.StopTimeout
	apiServer.StopTimeout = time.Second
	err := apiServer.Stop()
	apiServer.StopTimeout = stopTimeout
	if err != nil && !strings.Contains(err.Error(), "timeout waiting for process") {
		return fmt.Errorf("failed to stop kube-apiserver: %w", err)
	}
	time.Sleep(downtime)
	if err := apiServer.Start(); err != nil {
		return fmt.Errorf("failed to start kube-apiserver again: %w", err)
	}
	return nil
}

// stopAfter stops a test environment whose start failed half-way, keeping the start error as the one reported.
func stopAfter(stop func() error, err error) error {
	if stopErr := stop(); stopErr != nil {
		return fmt.Errorf("%w (and failed to stop the test environment: %w)", err, stopErr)
	}
	return err
}

// InstallSeedCRDs installs the extensions, ManagedResource, istio and prometheus-operator CRDs with the deployers
// gardenlet uses and waits until they are established.
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
	monitoring, err := prometheusoperator.NewCRDs(c)
	if err != nil {
		return fmt.Errorf("failed to load prometheus-operator CRDs: %w", err)
	}

	for _, deployer := range []component.DeployWaiter{extensions, istioCRDs, managedResources, monitoring} {
		if err := deployer.Deploy(ctx); err != nil {
			return fmt.Errorf("failed to deploy CRDs: %w", err)
		}
		if err := deployer.Wait(ctx); err != nil {
			return fmt.Errorf("failed waiting for CRDs to be established: %w", err)
		}
	}
	return nil
}
