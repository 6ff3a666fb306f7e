// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package controller_test measures the seed controller on a real kube-apiserver; run it with make bench-integration.
package controller_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

// BenchmarkReconcileThroughput creates 100 shoots with the acl extension on one seed and measures how long the
// controller (5 concurrent reconciles, as deployed) takes until every shoot has its ManagedResource.
func BenchmarkReconcileThroughput(b *testing.B) {
	const shoots = 100
	logf.SetLogger(logr.Discard())
	ctx := context.Background()

	seed, err := testenv.StartSeed(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := seed.Stop(); err != nil {
			b.Error(err)
		}
	}()
	c, err := client.New(seed.Config, client.Options{Scheme: kubernetes.SeedScheme})
	if err != nil {
		b.Fatal(err)
	}

	mgr, err := testenv.NewSeedManager(seed.Config)
	if err != nil {
		b.Fatal(err)
	}
	if err := aclcontroller.AddToManagerWithOptions(ctx, mgr, aclcontroller.AddOptions{
		Config:                    aclcontroller.Config{Limits: validation.DefaultLimits()},
		IgnoreOperationAnnotation: true,
	}); err != nil {
		b.Fatal(err)
	}
	mgrCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		if err := mgr.Start(mgrCtx); err != nil {
			b.Error(err)
		}
	}()

	if err := testenv.CreateSeedIngress(ctx, c, gardenerseed.Seed{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for run := range b.N {
		// gardenlet deploys the control planes before it creates the Extensions; only the controller's work is timed.
		b.StopTimer()
		fixtures := make([]testenv.ShootFixture, shoots)
		for i := range fixtures {
			fixtures[i] = testenv.ShootFixture{
				Shoot:          gardenerseed.Shoot{Project: "bench", Name: fmt.Sprintf("r%d-s%d", run, i)},
				ProviderConfig: `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["203.0.113.0/24","2001:db8::/32"]},{"action":"DENY","cidrs":["203.0.113.7/32"]}]}`,
			}
			if err := fixtures[i].ApplyControlPlane(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		started := time.Now()
		b.StartTimer()
		for _, fixture := range fixtures {
			if _, err := fixture.CreateExtension(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		for {
			list := &resourcesv1alpha1.ManagedResourceList{}
			if err := c.List(ctx, list); err != nil {
				b.Fatal(err)
			}
			if len(list.Items) >= (run+1)*shoots {
				break
			}
			if time.Since(started) > 5*time.Minute {
				b.Fatalf("only %d of %d shoots reconciled after 5 minutes", len(list.Items)-run*shoots, shoots)
			}
			time.Sleep(50 * time.Millisecond)
		}
		b.ReportMetric(float64(shoots)/time.Since(started).Seconds(), "shoots/s")
	}
}
