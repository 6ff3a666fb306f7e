// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"context"
	"fmt"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
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
		&gardencorev1beta1.ControllerRegistration{
			ObjectMeta: metav1.ObjectMeta{Name: "extension-acl"},
			Spec: gardencorev1beta1.ControllerRegistrationSpec{Resources: []gardencorev1beta1.ControllerResource{{
				Kind: "Extension", Type: "acl", WorkerlessSupported: ptr.To(true),
			}}},
		},
	}
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
