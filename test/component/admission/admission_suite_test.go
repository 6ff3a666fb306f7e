// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package admission_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/charts"
	"github.com/gardener-community/gardener-extension-acl/cmd/gardener-extension-admission-acl/app"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

func TestAdmission(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Component Admission Suite")
}

const (
	webhookNamespace = "garden"
	webhookConfig    = "gardener-extension-admission-acl"
)

var (
	garden *testenv.Garden
	// component is the running admission component; componentArgs start it again after a restart test.
	component     *testenv.Component
	componentArgs []string
	// componentConfig is the component's own identity in the garden (the chart's ServiceAccount).
	componentConfig *rest.Config
	// webhookAddress is where the webhook server listens; metricsURL serves its Prometheus metrics.
	webhookAddress string
	metricsURL     string
	healthURL      string
)

var _ = BeforeSuite(func(ctx context.Context) {
	garden = testenv.StartGardenSuite()
	var err error

	By("Granting the admission component exactly the permissions of its chart (the garden is its own runtime cluster)")
	Expect(testenv.InstallChartRBAC(ctx, garden.Client, charts.AdmissionChart, webhookNamespace, nil)).To(Succeed())
	componentConfig, err = garden.ServiceAccountConfig(webhookNamespace, "gardener-extension-admission-acl")
	Expect(err).NotTo(HaveOccurred())

	By("Starting the admission component over TLS as the chart's ServiceAccount")
	kubeconfig, err := testenv.WriteKubeconfig(componentConfig, GinkgoT().TempDir(), "garden.kubeconfig")
	Expect(err).NotTo(HaveOccurred())
	ports := make([]int, 3)
	for i := range ports {
		ports[i], err = testenv.FreePort()
		Expect(err).NotTo(HaveOccurred())
	}
	webhookAddress = fmt.Sprintf("127.0.0.1:%d", ports[0])
	metricsURL = fmt.Sprintf("http://127.0.0.1:%d/metrics", ports[1])
	healthURL = fmt.Sprintf("http://127.0.0.1:%d", ports[2])

	componentArgs = []string{
		"--kubeconfig=" + kubeconfig,
		"--runtime-kubeconfig=" + kubeconfig,
		"--leader-election=true",
		"--leader-election-namespace=" + webhookNamespace,
		"--webhook-config-mode=url",
		"--webhook-config-url=" + webhookAddress,
		"--webhook-config-namespace=" + webhookNamespace,
		"--webhook-config-server-host=127.0.0.1",
		"--webhook-config-server-port=" + strconv.Itoa(ports[0]),
		"--webhook-config-cert-dir=" + GinkgoT().TempDir(),
		"--metrics-bind-address=127.0.0.1:" + strconv.Itoa(ports[1]),
		"--health-bind-address=127.0.0.1:" + strconv.Itoa(ports[2]),
		"--log-level=debug",
	}
	// Everything the component logs is kept, to check that no credential ever appears in it.
	logs, err := testenv.CaptureStderr(filepath.Join(GinkgoT().TempDir(), "component.log"))
	Expect(err).NotTo(HaveOccurred())
	component = testenv.StartComponent(app.NewAdmissionCommand, componentArgs...)
	DeferCleanup(func() {
		By("Stopping the admission component")
		Expect(component.Stop(30 * time.Second)).To(Succeed())
		By("Checking that no credential appeared in the component's logs")
		content, err := logs.Restore()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(content)).To(ContainSubstring("Starting the manager"), "the logs were captured")
		expectNoCredentials(string(content), componentConfig)
	})

	By("Waiting until the webhook is ready and registered")
	Expect(component.WaitReady(healthURL, time.Minute)).To(Succeed())
	Eventually(func(g Gomega) {
		configuration := &admissionregistrationv1.ValidatingWebhookConfiguration{}
		g.Expect(garden.Client.Get(ctx, client.ObjectKey{Name: webhookConfig}, configuration)).To(Succeed())
		g.Expect(configuration.Webhooks).To(HaveLen(1))
		g.Expect(configuration.Webhooks[0].ClientConfig.CABundle).NotTo(BeEmpty())
	}).WithTimeout(time.Minute).Should(Succeed())
	Eventually(func(g Gomega) {
		connection, err := tls.Dial("tcp", webhookAddress, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // only checks that TLS is served
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(connection.Close()).To(Succeed())
	}).WithTimeout(time.Minute).Should(Succeed())

	By("Creating what gardener-apiserver requires for Shoots")
	Expect(testenv.CreateGardenPrerequisites(ctx, garden.Client)).To(Succeed())
}, NodeTimeout(5*time.Minute))
