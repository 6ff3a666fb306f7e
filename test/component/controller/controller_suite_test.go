// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/charts"
	"github.com/gardener-community/gardener-extension-acl/cmd/gardener-extension-acl/app"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

func TestController(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Component Controller Suite")
}

const heartbeatNamespace = "garden-acl"

var (
	seed      *testenv.Seed
	c         client.Client
	healthURL string
)

var _ = BeforeSuite(func(ctx context.Context) {
	seed = testenv.StartSeedSuite(ctx)
	var err error
	c = seed.Client

	By("Granting the controller exactly the permissions of its chart")
	Expect(testenv.InstallChartRBAC(ctx, c, charts.ControllerChart, heartbeatNamespace, nil)).To(Succeed())
	controllerConfig, err := seed.ServiceAccountConfig(heartbeatNamespace, "gardener-extension-acl")
	Expect(err).NotTo(HaveOccurred())

	By("Starting the controller command as the chart's ServiceAccount")
	kubeconfig, err := testenv.WriteKubeconfig(controllerConfig, GinkgoT().TempDir(), "seed.kubeconfig")
	Expect(err).NotTo(HaveOccurred())
	metricsPort, err := testenv.FreePort()
	Expect(err).NotTo(HaveOccurred())
	healthPort, err := testenv.FreePort()
	Expect(err).NotTo(HaveOccurred())
	healthURL = fmt.Sprintf("http://127.0.0.1:%d", healthPort)

	// Everything the controller logs is kept, to check that no credential ever appears in it.
	logs, err := testenv.CaptureStderr(filepath.Join(GinkgoT().TempDir(), "controller.log"))
	Expect(err).NotTo(HaveOccurred())
	component := testenv.StartComponent(app.NewControllerCommand,
		"--kubeconfig="+kubeconfig,
		"--leader-election=true",
		"--leader-election-namespace="+heartbeatNamespace,
		"--ignore-operation-annotation=true",
		"--heartbeat-namespace="+heartbeatNamespace,
		"--heartbeat-renew-interval-seconds=1",
		"--additional-allowed-cidrs=172.16.0.0/12",
		"--metrics-bind-address=127.0.0.1:"+strconv.Itoa(metricsPort),
		"--health-bind-address=127.0.0.1:"+strconv.Itoa(healthPort),
	)
	DeferCleanup(func() {
		Expect(component.Stop(30 * time.Second)).To(Succeed())
		content, err := logs.Restore()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(content)).To(ContainSubstring("Starting the manager"), "the logs were captured")
		Expect(testenv.LeakedCredentials(string(content), controllerConfig.KeyData, seed.Config.KeyData)).To(BeEmpty())
	})
	Expect(component.WaitReady(healthURL, time.Minute)).To(Succeed())
}, NodeTimeout(3*time.Minute))
