// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package charts_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/gardener-community/gardener-extension-acl/charts"
	"github.com/gardener-community/gardener-extension-acl/cmd/gardener-extension-acl/app"
)

// ControllerClusterRules are the cluster-wide permissions of the seed controller: every API call it makes, and nothing
// else. test/component/controller runs the controller with exactly the rendered RBAC, so a missing rule fails there and a
// superfluous one fails here.
var ControllerClusterRules = []rbacv1.PolicyRule{
	{APIGroups: []string{"extensions.gardener.cloud"}, Resources: []string{"extensions"}, Verbs: []string{"get", "list", "watch", "patch", "update"}},
	{APIGroups: []string{"extensions.gardener.cloud"}, Resources: []string{"extensions/status"}, Verbs: []string{"patch", "update"}},
	{APIGroups: []string{"extensions.gardener.cloud"}, Resources: []string{"clusters", "infrastructures"}, Verbs: []string{"get", "list", "watch"}},
	{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get", "list", "watch"}},
	{APIGroups: []string{"networking.istio.io"}, Resources: []string{"gateways", "virtualservices", "envoyfilters"}, Verbs: []string{"list", "watch"}},
	{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: []string{"list", "watch"}},
	{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: []string{"list", "watch"}},
	{APIGroups: []string{""}, Resources: []string{"services"}, Verbs: []string{"list", "watch"}},
	{APIGroups: []string{"networking.istio.io"}, Resources: []string{"envoyfilters"}, Verbs: []string{"delete"}},
	{APIGroups: []string{"resources.gardener.cloud"}, Resources: []string{"managedresources"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "create", "update", "patch", "delete"}},
	{APIGroups: []string{"events.k8s.io"}, Resources: []string{"events"}, Verbs: []string{"create", "patch"}},
}

var _ = Describe("The seed controller chart", func() {
	defaults := func() map[string]any { return map[string]any{} }

	It("grants exactly the calls the controller makes, secrets without list or watch, and nothing in other namespaces", func() {
		objects := render(charts.ControllerChart, defaults())

		clusterRole := object[*rbacv1.ClusterRole](objects, "ClusterRole", "", "extensions.gardener.cloud:acl")
		Expect(clusterRole.Rules).To(Equal(ControllerClusterRules))
		binding := object[*rbacv1.ClusterRoleBinding](objects, "ClusterRoleBinding", "", "extensions.gardener.cloud:acl")
		Expect(binding.Subjects).To(ConsistOf(rbacv1.Subject{Kind: "ServiceAccount", Name: "gardener-extension-acl", Namespace: releaseNamespace}))
		Expect(binding.RoleRef.Name).To(Equal(clusterRole.Name))

		leases := object[*rbacv1.Role](objects, "Role", releaseNamespace, "extensions.gardener.cloud:acl")
		Expect(leases.Rules).To(Equal([]rbacv1.PolicyRule{
			{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch"}},
			{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"create", "patch"}},
		}))
		shootInfo := object[*rbacv1.Role](objects, "Role", "kube-system", "extensions.gardener.cloud:acl:shoot-info")
		Expect(shootInfo.Rules).To(Equal([]rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}}}))
		for _, key := range []string{"RoleBinding/" + releaseNamespace + "/extensions.gardener.cloud:acl", "RoleBinding/kube-system/extensions.gardener.cloud:acl:shoot-info"} {
			Expect(objects[key].(*rbacv1.RoleBinding).Subjects).To(ConsistOf(rbacv1.Subject{Kind: "ServiceAccount", Name: "gardener-extension-acl", Namespace: releaseNamespace}))
		}

		for _, rendered := range objects {
			if role, ok := rendered.(*rbacv1.ClusterRole); ok {
				for _, rule := range role.Rules {
					Expect(rule.Verbs).NotTo(ContainElement("*"))
					Expect(rule.Resources).NotTo(ContainElement("*"))
				}
			}
		}
	})

	It("runs one leader-elected, non-root replica with probes and flags the binary accepts", func() {
		objects := render(charts.ControllerChart, defaults())
		deployment := object[*appsv1.Deployment](objects, "Deployment", releaseNamespace, "gardener-extension-acl")
		Expect(*deployment.Spec.Replicas).To(BeEquivalentTo(1))
		pod := deployment.Spec.Template.Spec
		Expect(pod.ServiceAccountName).To(Equal("gardener-extension-acl"))
		Expect(pod.PriorityClassName).To(Equal("gardener-system-900"))
		Expect(*pod.SecurityContext.RunAsNonRoot).To(BeTrue())
		container := pod.Containers[0]
		Expect(container.Image).To(Equal("ghcr.io/gardener-community/gardener-extension-acl:latest"))
		Expect(*container.SecurityContext.ReadOnlyRootFilesystem).To(BeTrue())
		Expect(*container.SecurityContext.AllowPrivilegeEscalation).To(BeFalse())
		Expect(container.SecurityContext.Capabilities.Drop).To(ConsistOf(corev1.Capability("ALL")))
		Expect(container.LivenessProbe.HTTPGet.Path).To(Equal("/healthz"))
		Expect(container.ReadinessProbe.HTTPGet.Path).To(Equal("/readyz"))
		Expect(container.LivenessProbe.HTTPGet.Port).To(Equal(intstr.FromString("health")))
		Expect(container.Args).To(ContainElements("--leader-election=true", "--leader-election-namespace="+releaseNamespace, "--heartbeat-namespace="+releaseNamespace))
		Expect(container.Args).NotTo(ContainElement(HavePrefix("--additional-allowed-cidrs")))
		Expect(container.Args).To(ContainElement("--max-retry-delay=1m"))
		parseArgs(app.NewOptions().AddFlags, container.Args)

		pdb := object[*policyv1.PodDisruptionBudget](objects, "PodDisruptionBudget", releaseNamespace, "gardener-extension-acl")
		Expect(pdb.Spec.Selector.MatchLabels).To(Equal(deployment.Spec.Selector.MatchLabels))
		Expect(deployment.Spec.Template.Labels).To(HaveKeyWithValue("networking.gardener.cloud/to-runtime-apiserver", "allowed"))
		Expect(objects).To(HaveKey("VerticalPodAutoscaler/" + releaseNamespace + "/gardener-extension-acl-vpa"))
	})

	It("applies non-default values", func() {
		objects := render(charts.ControllerChart, map[string]any{
			"replicaCount":         2,
			"vpa":                  map[string]any{"enabled": false},
			"priorityClassName":    "gardener-system-800",
			"imageVectorOverwrite": "images:\n- name: gardener-extension-acl\n  repository: registry.example.com/acl\n  tag: v9.9.9\n",
			"controllers":          map[string]any{"concurrentSyncs": 20, "ignoreOperationAnnotation": true, "healthcheck": map[string]any{"syncPeriod": "1m"}, "maxRetryDelay": "5m"},
			"acl":                  map[string]any{"additionalAllowedCIDRs": []any{"10.0.0.0/8", "2001:db8::/32"}, "maxEntries": 200},
		})
		deployment := object[*appsv1.Deployment](objects, "Deployment", releaseNamespace, "gardener-extension-acl")
		Expect(*deployment.Spec.Replicas).To(BeEquivalentTo(2))
		Expect(deployment.Spec.Template.Spec.PriorityClassName).To(Equal("gardener-system-800"))
		container := deployment.Spec.Template.Spec.Containers[0]
		Expect(container.Image).To(Equal("registry.example.com/acl:v9.9.9"))
		Expect(container.Args).To(ContainElements("--max-concurrent-reconciles=20", "--ignore-operation-annotation=true", "--healthcheck-sync-period=1m",
			"--max-retry-delay=5m", "--additional-allowed-cidrs=10.0.0.0/8,2001:db8::/32", "--max-entries=200"))
		parseArgs(app.NewOptions().AddFlags, container.Args)
		Expect(objects).NotTo(HaveKey("VerticalPodAutoscaler/" + releaseNamespace + "/gardener-extension-acl-vpa"))
	})

	It("keeps its own image when the overwrite names other images only", func() {
		objects := render(charts.ControllerChart, map[string]any{"imageVectorOverwrite": "images:\n- name: something-else\n  repository: registry.example.com/other\n  tag: v1\n"})
		Expect(object[*appsv1.Deployment](objects, "Deployment", releaseNamespace, "gardener-extension-acl").Spec.Template.Spec.Containers[0].Image).
			To(Equal("ghcr.io/gardener-community/gardener-extension-acl:latest"))
	})
})
