// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package admission_test

import (
	"context"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

var _ = Describe("The admission component restarting", Ordered, func() {
	const valid = `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["192.0.2.0/24"]}]}`

	It("refuses Shoots with the acl extension while no replica answers (failurePolicy Fail), never admits them unchecked, and admits them again once it is back", func(ctx context.Context) {
		By("Stopping the only replica")
		Expect(component.Stop(30 * time.Second)).To(Succeed())

		err := garden.Client.Create(ctx, shootWith("while-down", aclExtension(valid)))
		Expect(err).To(MatchError(ContainSubstring("failed calling webhook")), "a create that cannot be checked is refused")
		err = garden.Client.Create(ctx, shootWith("down-invalid", aclExtension(`{"rule":{"action":"ALLOW","cidrs":["10.0.0.1/8"]}}`)))
		Expect(err).To(HaveOccurred())
		Expect(garden.Client.Create(ctx, shootWith("down-no-acl"))).To(Succeed(), "Shoots without the extension are not affected")

		By("Starting the built binary in its own process with the same flags and certificates, as a new pod would")
		binary, err := testenv.BuildBinary("github.com/gardener-community/gardener-extension-acl/cmd/gardener-extension-admission-acl", GinkgoT().TempDir())
		Expect(err).NotTo(HaveOccurred())
		logFile := filepath.Join(GinkgoT().TempDir(), "restarted.log")
		component, err = testenv.StartProcess(binary, logFile, componentArgs...)
		Expect(err).NotTo(HaveOccurred())
		Expect(component.WaitReady(healthURL, 2*time.Minute)).To(Succeed())
		Eventually(func() error {
			return garden.Client.Create(ctx, shootWith("up-again", aclExtension(valid)))
		}).WithTimeout(time.Minute).Should(Succeed())
		err = garden.Client.Create(ctx, shootWith("up-invalid", aclExtension(`{"rule":{"action":"ALLOW","cidrs":["10.0.0.1/8"]}}`)))
		Expect(err).To(MatchError(ContainSubstring("10.0.0.0/8")), "and checks them again")

		logs, err := os.ReadFile(logFile)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(logs)).To(ContainSubstring("Starting the manager"))
		expectNoCredentials(string(logs), componentConfig)
	})
})
