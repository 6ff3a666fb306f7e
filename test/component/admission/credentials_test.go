// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package admission_test

import (
	"context"
	"strings"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

// expectNoCredentials fails when the logs contain key material: PEM blocks, the component's client key, or the
// webhook's CA and serving certificate keys from the secrets of the webhook namespace.
func expectNoCredentials(logs string, componentConfig *rest.Config) {
	secrets := [][]byte{componentConfig.KeyData, []byte(componentConfig.BearerToken)}
	secretList := &corev1.SecretList{}
	Expect(garden.Client.List(context.Background(), secretList, client.InNamespace(webhookNamespace))).To(Succeed())
	Expect(secretList.Items).NotTo(BeEmpty(), "the webhook's certificate secrets exist")
	for _, secret := range secretList.Items {
		for key, value := range secret.Data {
			if strings.Contains(key, "key") {
				secrets = append(secrets, value)
			}
		}
	}
	Expect(testenv.LeakedCredentials(logs, secrets...)).To(BeEmpty())
}
