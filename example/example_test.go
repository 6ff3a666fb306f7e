// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package example_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"

	"github.com/gardener/gardener/pkg/apis/core"
	gardencoreinstall "github.com/gardener/gardener/pkg/apis/core/install"
	gardencorev1 "github.com/gardener/gardener/pkg/apis/core/v1"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	operatorv1alpha1 "github.com/gardener/gardener/pkg/apis/operator/v1alpha1"
	"github.com/gardener/gardener/pkg/chartrenderer"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apimachinery/pkg/version"
	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

var (
	scheme = runtime.NewScheme()
	// strict refuses unknown or duplicate fields: a typo in an example fails here, not on a user's landscape.
	strict = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme, json.SerializerOptions{Yaml: true, Strict: true})
)

func init() {
	gardencoreinstall.Install(scheme)
	utilruntime.Must(operatorv1alpha1.AddToScheme(scheme))
}

// documents returns the objects of a multi-document YAML file, decoded strictly.
func documents(name string) []runtime.Object {
	content, err := os.ReadFile(name)
	Expect(err).NotTo(HaveOccurred())
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(content)))
	var objects []runtime.Object
	for {
		document, err := reader.Read()
		if err != nil {
			break
		}
		if len(bytes.TrimSpace(document)) == 0 {
			continue
		}
		object, _, err := strict.Decode(document, nil, nil)
		Expect(err).NotTo(HaveOccurred(), "%s", name)
		objects = append(objects, object)
	}
	return objects
}

var _ = Describe("The example manifests", func() {
	It("decode strictly, every one of them", func() {
		files, err := filepath.Glob("*.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(ContainElements("controller-registration.yaml", "operator-extension.yaml", "shoot-ipv4.yaml", "shoot-ipv6.yaml",
			"shoot-dual-stack.yaml", "shoot-deny-exception.yaml", "shoot-legacy.yaml", "shoot-audit.yaml"))
		for _, file := range files {
			Expect(documents(file)).NotTo(BeEmpty(), file)
		}
	})

	It("are shoots whose ACL rules are valid, with no warnings but the legacy form's and Audit mode's", func() {
		shoots, err := filepath.Glob("shoot-*.yaml")
		Expect(err).NotTo(HaveOccurred())
		for _, file := range shoots {
			objects := documents(file)
			Expect(objects).To(HaveLen(1))
			internal := &core.Shoot{}
			Expect(scheme.Convert(objects[0], internal, nil)).To(Succeed())
			extensions := validation.ExtensionsOfShoot(internal)
			Expect(extensions).To(HaveLen(1), file)
			result := validation.ValidateShootExtensions(extensions, nil, validation.DefaultLimits())
			Expect(result.Errors).To(BeEmpty(), file)
			switch file {
			case "shoot-legacy.yaml":
			case "shoot-audit.yaml":
				Expect(result.Warnings.Strings()).To(ConsistOf(HavePrefix("spec.extensions[0].providerConfig.mode: the rules are audited")), file)
			default:
				Expect(result.Warnings).To(BeEmpty(), file)
			}
		}
	})

	It("embed the controller chart in the ControllerDeployment, rendering the controller with the released image", func() {
		objects := documents("controller-registration.yaml")
		Expect(objects).To(HaveLen(2))
		registration, ok := objects[0].(*gardencorev1beta1.ControllerRegistration)
		Expect(ok).To(BeTrue())
		deployment, ok := objects[1].(*gardencorev1.ControllerDeployment)
		Expect(ok).To(BeTrue())
		Expect(registration.Spec.Deployment.DeploymentRefs).To(ConsistOf(gardencorev1beta1.DeploymentRef{Name: deployment.Name}))
		Expect(registration.Spec.Resources).To(ConsistOf(HaveField("Type", "acl")))

		var values map[string]any
		Expect(yaml.Unmarshal(deployment.Helm.Values.Raw, &values)).To(Succeed())
		renderer := chartrenderer.NewWithServerVersion(&version.Info{GitVersion: "v1.33.0"})
		rendered, err := renderer.RenderArchive(deployment.Helm.RawChart, "extension-acl", "extension-acl", values)
		Expect(err).NotTo(HaveOccurred())
		controller := &appsv1.Deployment{}
		Expect(yaml.Unmarshal([]byte(rendered.FileContent("deployment.yaml")), controller)).To(Succeed())
		version, err := os.ReadFile(filepath.Join("..", "VERSION"))
		Expect(err).NotTo(HaveOccurred())
		Expect(controller.Spec.Template.Spec.Containers[0].Image).To(Equal("ghcr.io/gardener-community/gardener-extension-acl:" + string(bytes.TrimSpace(version))))
	})

	It("register the same resources with gardener-operator as with a ControllerRegistration", func() {
		extension, ok := documents("operator-extension.yaml")[0].(*operatorv1alpha1.Extension)
		Expect(ok).To(BeTrue())
		registration := documents("controller-registration.yaml")[0].(*gardencorev1beta1.ControllerRegistration)
		Expect(extension.Spec.Resources).To(Equal(registration.Spec.Resources))
		Expect(extension.Spec.Deployment.AdmissionDeployment.RuntimeCluster.Helm.OCIRepository.Ref).NotTo(BeNil())
		Expect(extension.Spec.Deployment.AdmissionDeployment.VirtualCluster.Helm.OCIRepository.Ref).NotTo(BeNil())
	})
})
