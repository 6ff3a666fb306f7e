// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"fmt"

	"github.com/gardener/gardener/pkg/client/kubernetes"
	gardenerenvtest "github.com/gardener/gardener/test/envtest"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Garden is a real kube-apiserver and etcd with gardener-apiserver running in-process and aggregated into it.
type Garden struct {
	env *gardenerenvtest.GardenerTestEnvironment
	// Config is the admin rest config of the kube-apiserver that aggregates gardener-apiserver.
	Config *rest.Config
	// Client is an admin client that knows the garden scheme.
	Client client.Client
}

// StartGarden starts the garden API servers. Extra arguments are passed to gardener-apiserver, e.g. to disable
// admission plugins a test does not exercise.
func StartGarden(gardenerAPIServerArgs ...string) (*Garden, error) {
	if err := CheckAssets(); err != nil {
		return nil, err
	}

	env := &gardenerenvtest.GardenerTestEnvironment{
		GardenerAPIServer: &gardenerenvtest.GardenerAPIServer{Args: gardenerAPIServerArgs},
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("failed to start garden test environment: %w", err)
	}
	garden := &Garden{env: env, Config: cfg}

	garden.Client, err = client.New(cfg, client.Options{Scheme: kubernetes.GardenScheme})
	if err != nil {
		return nil, stopAfter(garden.Stop, fmt.Errorf("failed to create garden client: %w", err))
	}
	return garden, nil
}

// Stop stops gardener-apiserver, kube-apiserver and etcd.
func (g *Garden) Stop() error {
	return g.env.Stop()
}
