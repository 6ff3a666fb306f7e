// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package charts_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/gardener-community/gardener-extension-acl/charts"
	"github.com/gardener-community/gardener-extension-acl/cmd/gardener-extension-admission-acl/app"
)

const admissionName = "gardener-extension-admission-acl"

// AdmissionGardenRules are the permissions of the admission component in the cluster that serves Shoots.
var AdmissionGardenRules = []rbacv1.PolicyRule{
	{APIGroups: []string{"admissionregistration.k8s.io"}, Resources: []string{"validatingwebhookconfigurations"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch"}},
	{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get"}},
}

// AdmissionRuntimeRules are its permissions in its own namespace of the runtime cluster.
var AdmissionRuntimeRules = []rbacv1.PolicyRule{
	{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: []string{"get", "create", "update"}},
	{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{APIGroups: []string{"events.k8s.io"}, Resources: []string{"events"}, Verbs: []string{"create", "patch"}},
}

var _ = Describe("The admission chart", func() {
	It("deploys, into a garden that is its own runtime cluster, two spread webhook replicas behind a Service with least-privilege RBAC", func() {
		objects := render(charts.AdmissionChart, map[string]any{})

		deployment := object[*appsv1.Deployment](objects, "Deployment", releaseNamespace, admissionName)
		Expect(*deployment.Spec.Replicas).To(BeEquivalentTo(2))
		pod := deployment.Spec.Template.Spec
		Expect(pod.TopologySpreadConstraints).To(HaveLen(1))
		Expect(*pod.SecurityContext.RunAsNonRoot).To(BeTrue())
		container := pod.Containers[0]
		Expect(*container.SecurityContext.ReadOnlyRootFilesystem).To(BeTrue())
		Expect(container.SecurityContext.Capabilities.Drop).To(ConsistOf(corev1.Capability("ALL")))
		Expect(container.ReadinessProbe.HTTPGet.Path).To(Equal("/readyz"))
		Expect(container.LivenessProbe.HTTPGet.Path).To(Equal("/healthz"))
		Expect(container.Args).To(ContainElements("--webhook-config-mode=service", "--webhook-config-namespace="+releaseNamespace, "--webhook-config-service-port=443"))
		Expect(container.Args).NotTo(ContainElement(HavePrefix("--kubeconfig")), "in-cluster configuration")
		parseArgs(app.NewOptions().AddFlags, container.Args)

		service := object[*corev1.Service](objects, "Service", releaseNamespace, admissionName)
		Expect(service.Spec.Selector).To(Equal(deployment.Spec.Selector.MatchLabels))
		Expect(service.Spec.Ports).To(ConsistOf(HaveField("TargetPort", intstr.FromInt32(10250))))
		Expect(objects).To(HaveKey("PodDisruptionBudget/" + releaseNamespace + "/" + admissionName))
		Expect(objects).To(HaveKey("VerticalPodAutoscaler/" + releaseNamespace + "/" + admissionName + "-vpa"))

		Expect(object[*rbacv1.ClusterRole](objects, "ClusterRole", "", "extensions.gardener.cloud:admission-acl").Rules).To(Equal(AdmissionGardenRules))
		Expect(object[*rbacv1.ClusterRoleBinding](objects, "ClusterRoleBinding", "", "extensions.gardener.cloud:admission-acl").Subjects).
			To(ConsistOf(rbacv1.Subject{Kind: "ServiceAccount", Name: admissionName, Namespace: releaseNamespace}))
		Expect(object[*rbacv1.Role](objects, "Role", releaseNamespace, "extensions.gardener.cloud:admission-acl").Rules).To(Equal(AdmissionRuntimeRules))
	})

	It("never runs fewer than two replicas: with failurePolicy Fail one restarting pod would block every Shoot change", func() {
		objects := render(charts.AdmissionChart, map[string]any{"global": map[string]any{"replicaCount": 1}})
		Expect(*object[*appsv1.Deployment](objects, "Deployment", releaseNamespace, admissionName).Spec.Replicas).To(BeEquivalentTo(2))
		objects = render(charts.AdmissionChart, map[string]any{"global": map[string]any{"replicaCount": 3}})
		Expect(*object[*appsv1.Deployment](objects, "Deployment", releaseNamespace, admissionName).Spec.Replicas).To(BeEquivalentTo(3))
	})

	It("reaches a separate garden with a given kubeconfig and a projected token", func() {
		objects := render(charts.AdmissionChart, map[string]any{"global": map[string]any{
			"kubeconfig":                          "apiVersion: v1\nkind: Config\n",
			"serviceAccountTokenVolumeProjection": map[string]any{"enabled": true, "audience": "garden"},
			"vpa":                                 map[string]any{"enabled": false},
		}})
		secret := object[*corev1.Secret](objects, "Secret", releaseNamespace, admissionName+"-kubeconfig")
		Expect(secret.Data).To(HaveKeyWithValue("kubeconfig", []byte("apiVersion: v1\nkind: Config\n")))
		deployment := object[*appsv1.Deployment](objects, "Deployment", releaseNamespace, admissionName)
		container := deployment.Spec.Template.Spec.Containers[0]
		Expect(container.Args).To(ContainElement("--kubeconfig=/etc/gardener-extension-admission-acl/garden/kubeconfig"))
		Expect(container.VolumeMounts).To(ContainElements(
			HaveField("MountPath", "/etc/gardener-extension-admission-acl/garden"),
			HaveField("MountPath", "/var/run/secrets/projected/serviceaccount"),
		))
		Expect(deployment.Spec.Template.Spec.Volumes).To(ContainElement(HaveField("Projected.Sources", ConsistOf(HaveField("ServiceAccountToken.Audience", "garden")))))
		Expect(objects).NotTo(HaveKey("VerticalPodAutoscaler/" + releaseNamespace + "/" + admissionName + "-vpa"))
		parseArgs(app.NewOptions().AddFlags, container.Args)
	})

	It("renders its runtime part with the values gardener-operator passes for a virtual garden", func() {
		objects := render(charts.AdmissionRuntimeChart, map[string]any{"gardener": map[string]any{
			"runtimeCluster": map[string]any{"priorityClassName": "gardener-garden-system-400"},
			"virtualCluster": map[string]any{"enabled": true, "namespace": "extension-acl"},
		}})
		deployment := object[*appsv1.Deployment](objects, "Deployment", releaseNamespace, admissionName)
		Expect(deployment.Spec.Template.Spec.PriorityClassName).To(Equal("gardener-garden-system-400"))
		Expect(deployment.Spec.Template.Labels).To(HaveKeyWithValue("networking.resources.gardener.cloud/to-virtual-garden-kube-apiserver-tcp-443", "allowed"))
		container := deployment.Spec.Template.Spec.Containers[0]
		// gardener-operator mounts the generic kubeconfig of the virtual garden at this path.
		Expect(container.Args).To(ContainElements("--kubeconfig=/var/run/secrets/gardener.cloud/shoot/generic-kubeconfig/kubeconfig", "--webhook-config-mode=url-service"))
		parseArgs(app.NewOptions().AddFlags, container.Args)
		Expect(objects).NotTo(HaveKey("ClusterRole//extensions.gardener.cloud:admission-acl"), "garden permissions belong to the application part")
	})

	It("renders its application part with the values gardener-operator passes for a virtual garden", func() {
		objects := render(charts.AdmissionApplicationChart, map[string]any{"gardener": map[string]any{
			"virtualCluster": map[string]any{"enabled": true, "serviceAccount": map[string]any{"name": "extension-admission-acl", "namespace": "kube-system"}},
		}})
		Expect(objects).To(HaveLen(2))
		Expect(object[*rbacv1.ClusterRole](objects, "ClusterRole", "", "extensions.gardener.cloud:admission-acl").Rules).To(Equal(AdmissionGardenRules))
		Expect(object[*rbacv1.ClusterRoleBinding](objects, "ClusterRoleBinding", "", "extensions.gardener.cloud:admission-acl").Subjects).
			To(ConsistOf(rbacv1.Subject{Kind: "ServiceAccount", Name: "extension-admission-acl", Namespace: "kube-system"}))
	})
})
