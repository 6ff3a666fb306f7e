// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gardener/gardener/pkg/chartrenderer"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/charts"
)

// InstallChartRBAC renders a chart of the extension into namespace with gardener's chart renderer and creates its
// ServiceAccounts, Roles, ClusterRoles and their bindings, and nothing else. The binaries under test then run with
// exactly the permissions the chart grants in production.
func InstallChartRBAC(ctx context.Context, c client.Client, chartPath, namespace string, values map[string]any) error {
	rendered, err := chartrenderer.NewWithServerVersion(&version.Info{GitVersion: "v1.33.0"}).RenderEmbeddedFS(charts.FS, chartPath, "acl", namespace, values)
	if err != nil {
		return fmt.Errorf("failed to render chart %s: %w", chartPath, err)
	}
	decoder := serializer.NewCodecFactory(kubernetes.SeedScheme).UniversalDeserializer()
	for name, content := range rendered.AsSecretData() {
		documents, err := splitYAML(content)
		if err != nil {
			return fmt.Errorf("failed to split %s of chart %s: %w", name, chartPath, err)
		}
		for _, document := range documents {
			object, _, err := decoder.Decode(document, nil, nil)
			if err != nil {
				return fmt.Errorf("failed to decode %s of chart %s: %w", name, chartPath, err)
			}
			switch typed := object.(type) {
			case *corev1.ServiceAccount, *rbacv1.Role, *rbacv1.RoleBinding, *rbacv1.ClusterRole, *rbacv1.ClusterRoleBinding:
				clientObject := typed.(client.Object)
				if namespace := clientObject.GetNamespace(); namespace != "" {
					if err := client.IgnoreAlreadyExists(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}})); err != nil {
						return fmt.Errorf("failed to create namespace %s: %w", namespace, err)
					}
				}
				if err := c.Create(ctx, clientObject); err != nil {
					return fmt.Errorf("failed to create %T %s of chart %s: %w", object, client.ObjectKeyFromObject(clientObject), chartPath, err)
				}
			}
		}
	}
	return nil
}

// ServiceAccountConfig returns a rest config for the seed that authenticates as the ServiceAccount namespace/name (with
// its groups) by a client certificate, so that the API server authorizes its requests with RBAC as in a real cluster.
func (s *Seed) ServiceAccountConfig(namespace, name string) (*rest.Config, error) {
	return serviceAccountConfig(s.env, namespace, name)
}

// ServiceAccountConfig returns a rest config for the garden's kube-apiserver that authenticates as the ServiceAccount
// namespace/name, as Seed.ServiceAccountConfig does.
func (g *Garden) ServiceAccountConfig(namespace, name string) (*rest.Config, error) {
	return serviceAccountConfig(g.env.Environment, namespace, name)
}

func serviceAccountConfig(env *envtest.Environment, namespace, name string) (*rest.Config, error) {
	user, err := env.AddUser(envtest.User{
		Name:   "system:serviceaccount:" + namespace + ":" + name,
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"},
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("failed to provision a client certificate for ServiceAccount %s/%s: %w", namespace, name, err)
	}
	return user.Config(), nil
}

// splitYAML returns the non-empty documents of a multi-document YAML stream.
func splitYAML(content []byte) ([][]byte, error) {
	var documents [][]byte
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(content)))
	for {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return documents, nil
		}
		if err != nil {
			return nil, err
		}
		var probe map[string]any
		if err := yaml.Unmarshal(document, &probe); err != nil {
			return nil, err
		}
		if len(probe) > 0 {
			documents = append(documents, document)
		}
	}
}
