// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed

import (
	"context"

	secretsmanager "github.com/gardener/gardener/pkg/utils/secrets/manager"
	fakesecretsmanager "github.com/gardener/gardener/pkg/utils/secrets/manager/fake"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// secretsManager is gardener's fake secrets manager (pkg/utils/secrets/manager/fake) with a Get that also finds the
// secrets it generated. The fake names a generated secret <name>-<config checksum> like the real manager does, but
// looks secrets up by the bare <name> only; the real manager keeps what it generated in a store and finds it by name
// (pkg/utils/secrets/manager/generate.go). Get therefore falls back to the secret labelled name=<name> by the
// manager, which is the one the real manager would return as the current secret.
type secretsManager struct {
	secretsmanager.Interface
	client    client.Client
	namespace string
}

func newSecretsManager(c client.Client, namespace string) *secretsManager {
	return &secretsManager{Interface: fakesecretsmanager.New(c, namespace), client: c, namespace: namespace}
}

// Get returns the secret of the given name: the one with exactly that name (or <name>-<class>) if it exists, else the
// one the manager generated for that name.
func (m *secretsManager) Get(name string, opts ...secretsmanager.GetOption) (*corev1.Secret, bool) {
	if secret, found := m.Interface.Get(name, opts...); found {
		return secret, true
	}
	secrets := &corev1.SecretList{}
	if err := m.client.List(context.Background(), secrets, client.InNamespace(m.namespace), client.MatchingLabels{
		secretsmanager.LabelKeyName:            name,
		secretsmanager.LabelKeyManagerIdentity: fakesecretsmanager.ManagerIdentity,
	}); err != nil || len(secrets.Items) != 1 {
		return nil, false
	}
	return &secrets.Items[0], true
}
