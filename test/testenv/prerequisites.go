// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	gardencorev1 "github.com/gardener/gardener/pkg/apis/core/v1"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/example"
)

// ProjectNamespace is the namespace of the project CreateGardenPrerequisites creates.
const ProjectNamespace = "garden-dev"

// CreateGardenPrerequisites creates what gardener-apiserver requires before it admits a workerless Shoot with the acl
// extension: the project dev with its namespace, the CloudProfile local, and the ControllerRegistration of the acl
// extension (gardener's ExtensionValidator refuses unregistered extension types, and ExtensionLabels sets the label
// the admission webhook selects Shoots by only for registered ones).
func CreateGardenPrerequisites(ctx context.Context, c client.Client) error {
	objects := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
			Name:   ProjectNamespace,
			Labels: map[string]string{"gardener.cloud/role": "project", "project.gardener.cloud/name": "dev"},
		}},
		&gardencorev1beta1.Project{
			ObjectMeta: metav1.ObjectMeta{Name: "dev"},
			Spec:       gardencorev1beta1.ProjectSpec{Namespace: ptr.To(ProjectNamespace)},
		},
		&gardencorev1beta1.CloudProfile{
			ObjectMeta: metav1.ObjectMeta{Name: "local"},
			Spec: gardencorev1beta1.CloudProfileSpec{
				Type:       "local",
				Kubernetes: gardencorev1beta1.KubernetesSettings{Versions: []gardencorev1beta1.ExpirableVersion{{Version: "1.33.0"}}},
				Regions:    []gardencorev1beta1.Region{{Name: "local"}},
				MachineImages: []gardencorev1beta1.MachineImage{{
					Name:     "local",
					Versions: []gardencorev1beta1.MachineImageVersion{{ExpirableVersion: gardencorev1beta1.ExpirableVersion{Version: "1.0.0"}, CRI: []gardencorev1beta1.CRI{{Name: gardencorev1beta1.CRINameContainerD}}, Architectures: []string{"amd64"}}},
				}},
				MachineTypes: []gardencorev1beta1.MachineType{{Name: "local", CPU: resource.MustParse("1"), GPU: resource.MustParse("0"), Memory: resource.MustParse("1Gi"), Usable: ptr.To(true), Architecture: ptr.To("amd64")}},
			},
		},
	}
	// The registration is the shipped example, so gardener-apiserver validates exactly what operators apply.
	registration, err := ExampleObjects("controller-registration.yaml")
	if err != nil {
		return err
	}
	slices.SortStableFunc(registration, func(a, b client.Object) int {
		// A ControllerRegistration refers to its ControllerDeployment, which therefore goes first.
		return cmp.Compare(kindOrder(a), kindOrder(b))
	})
	objects = append(objects, registration...)
	for _, object := range objects {
		if err := c.Create(ctx, object); err != nil {
			return fmt.Errorf("failed to create %T %s: %w", object, object.GetName(), err)
		}
	}
	return nil
}

// WorkerlessShoot returns a workerless Shoot in the project of CreateGardenPrerequisites with the given extensions.
func WorkerlessShoot(name string, extensions ...gardencorev1beta1.Extension) *gardencorev1beta1.Shoot {
	return &gardencorev1beta1.Shoot{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ProjectNamespace},
		Spec: gardencorev1beta1.ShootSpec{
			CloudProfile: &gardencorev1beta1.CloudProfileReference{Kind: "CloudProfile", Name: "local"},
			Region:       "local",
			Provider:     gardencorev1beta1.Provider{Type: "local"},
			Kubernetes:   gardencorev1beta1.Kubernetes{Version: "1.33.0"},
			Extensions:   extensions,
		},
	}
}

// ExampleObjects decodes the objects of a file of example/ with the garden's scheme.
func ExampleObjects(name string) ([]client.Object, error) {
	content, err := example.FS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("failed to read example %s: %w", name, err)
	}
	documents, err := splitYAML(content)
	if err != nil {
		return nil, fmt.Errorf("failed to split example %s: %w", name, err)
	}
	decoder := serializer.NewCodecFactory(kubernetes.GardenScheme).UniversalDeserializer()
	objects := make([]client.Object, 0, len(documents))
	for _, document := range documents {
		object, _, err := decoder.Decode(document, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("failed to decode example %s: %w", name, err)
		}
		clientObject, ok := object.(client.Object)
		if !ok {
			return nil, fmt.Errorf("example %s holds a %T, not an object", name, object)
		}
		objects = append(objects, clientObject)
	}
	return objects, nil
}

func kindOrder(object client.Object) int {
	if _, ok := object.(*gardencorev1.ControllerDeployment); ok {
		return 0
	}
	return 1
}
