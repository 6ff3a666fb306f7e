// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/gardener/gardener/extensions/pkg/controller/extension"
	v1beta1helper "github.com/gardener/gardener/pkg/api/core/v1beta1/helper"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	resourcemanagerpredicate "github.com/gardener/gardener/pkg/resourcemanager/predicate"
	"github.com/go-logr/logr"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/install"
	aclv1alpha1 "github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/v1alpha1"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/monitoringqueries"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

// The actuator's branches against a fake client and the seed objects gardener's own code lays out (test/gardenerseed),
// in seconds; test/integration/controller runs the same actuator against a real kube-apiserver.
var _ = Describe("The actuator", func() {
	const (
		typed       = `"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig"`
		allowOffice = `{` + typed + `,"rules":[{"action":"ALLOW","cidrs":["192.0.2.0/24","2001:db8:1::/48"]}]}`
		// The typed form without apiVersion and kind has no single meaning: the webhook and the actuator refuse it.
		invalid = `{"rules":[{"action":"ALLOW","cidrs":["192.0.2.0/24"]}]}`
	)
	var (
		shoot = testenv.ShootFixture{Shoot: gardenerseed.Shoot{Name: "first"}, ProviderConfig: allowOffice}
		// seed is the fake seed; c is the same seed seen through the interceptor that records the actuator's writes.
		seed     client.WithWatch
		c        client.Client
		actuator extension.Actuator
		ex       *extensionsv1alpha1.Extension
		// writes are the requests of the actuator that may change an object, as "<request> <type> <key>".
		writes []string
		// keptObjects records, per deleted ManagedResource, whether it told gardener-resource-manager to keep its
		// objects when it was deleted.
		keptObjects map[string]bool
	)

	record := func(request string, obj client.Object) {
		writes = append(writes, fmt.Sprintf("%s %T %s", request, obj, client.ObjectKeyFromObject(obj)))
	}
	// latest reads the Extension as the extension library hands it to the actuator: as stored.
	latest := func(ctx context.Context) *extensionsv1alpha1.Extension {
		GinkgoHelper()
		current := &extensionsv1alpha1.Extension{}
		Expect(seed.Get(ctx, client.ObjectKeyFromObject(ex), current)).To(Succeed())
		return current
	}
	reconcileShoot := func(ctx context.Context) error {
		return actuator.Reconcile(ctx, logr.Discard(), latest(ctx))
	}
	managedResourceKey := func() client.ObjectKey {
		return client.ObjectKey{Namespace: shoot.TechnicalID(), Name: constants.ManagedResourceName}
	}
	// deployed returns the shoot's ManagedResource and the secrets it refers to, as stored.
	deployed := func(ctx context.Context) []client.Object {
		GinkgoHelper()
		managedResource := &resourcesv1alpha1.ManagedResource{}
		Expect(seed.Get(ctx, managedResourceKey(), managedResource)).To(Succeed())
		objects := []client.Object{managedResource}
		Expect(managedResource.Spec.SecretRefs).NotTo(BeEmpty())
		for _, ref := range managedResource.Spec.SecretRefs {
			secret := &corev1.Secret{}
			Expect(seed.Get(ctx, client.ObjectKey{Namespace: shoot.TechnicalID(), Name: ref.Name}, secret)).To(Succeed())
			objects = append(objects, secret)
		}
		return objects
	}
	// gone tells whether none of the objects exists any more.
	gone := func(ctx context.Context, objects []client.Object) bool {
		GinkgoHelper()
		for _, obj := range objects {
			err := seed.Get(ctx, client.ObjectKeyFromObject(obj), obj.DeepCopyObject().(client.Object))
			if !apierrors.IsNotFound(err) {
				Expect(err).NotTo(HaveOccurred())
				return false
			}
		}
		return true
	}
	// withFinalizer makes the shoot's ManagedResource wait for gardener-resource-manager when it is deleted, as on a
	// seed where gardener-resource-manager reconciled it: the instance responsible for its class adds its finalizer and
	// removes it once it deleted the objects (pkg/resourcemanager/controller/managedresource/reconciler.go).
	withFinalizer := func(ctx context.Context) {
		GinkgoHelper()
		managedResource := &resourcesv1alpha1.ManagedResource{}
		Expect(seed.Get(ctx, managedResourceKey(), managedResource)).To(Succeed())
		finalizer := resourcemanagerpredicate.NewClassFilter(ptr.Deref(managedResource.Spec.Class, "")).FinalizerName()
		managedResource.Finalizers = append(managedResource.Finalizers, finalizer)
		Expect(seed.Update(ctx, managedResource)).To(Succeed())
	}

	BeforeEach(func(ctx context.Context) {
		seed = fake.NewClientBuilder().WithScheme(kubernetes.SeedScheme).WithStatusSubresource(&extensionsv1alpha1.Extension{}, &resourcesv1alpha1.ManagedResource{}).Build()
		Expect(seed.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: extensionNamespace}})).To(Succeed())
		Expect(gardenerseed.Apply(ctx, seed, cachedObjects("", func() ([]client.Object, error) { return gardenerseed.Istio(ctx, gardenerseed.Seed{}) }))).To(Succeed())
		ex = created(ctx, seed, shoot)

		writes, keptObjects = nil, map[string]bool{}
		c = interceptor.NewClient(seed, interceptor.Funcs{
			Create: func(ctx context.Context, inner client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
				record("create", obj)
				return inner.Create(ctx, obj, opts...)
			},
			Update: func(ctx context.Context, inner client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
				record("update", obj)
				return inner.Update(ctx, obj, opts...)
			},
			Patch: func(ctx context.Context, inner client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
				record("patch", obj)
				return inner.Patch(ctx, obj, patch, opts...)
			},
			Apply: func(ctx context.Context, inner client.WithWatch, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
				writes = append(writes, fmt.Sprintf("apply %T", obj))
				return inner.Apply(ctx, obj, opts...)
			},
			Delete: func(ctx context.Context, inner client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
				record("delete", obj)
				// What gardener-resource-manager reads when the ManagedResource goes decides whether the EnvoyFilters go.
				if _, ok := obj.(*resourcesv1alpha1.ManagedResource); ok {
					current := &resourcesv1alpha1.ManagedResource{}
					if err := inner.Get(ctx, client.ObjectKeyFromObject(obj), current); err == nil {
						keptObjects[current.Name] = current.Spec.KeepObjects != nil && *current.Spec.KeepObjects
					}
				}
				return inner.Delete(ctx, obj, opts...)
			},
			DeleteAllOf: func(ctx context.Context, inner client.WithWatch, obj client.Object, opts ...client.DeleteAllOfOption) error {
				record("delete all of", obj)
				return inner.DeleteAllOf(ctx, obj, opts...)
			},
			SubResourceCreate: func(ctx context.Context, inner client.Client, subResourceName string, obj client.Object, subResource client.Object, opts ...client.SubResourceCreateOption) error {
				record("create "+subResourceName+" of", obj)
				return inner.SubResource(subResourceName).Create(ctx, obj, subResource, opts...)
			},
			SubResourceUpdate: func(ctx context.Context, inner client.Client, subResourceName string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
				record("update "+subResourceName+" of", obj)
				return inner.SubResource(subResourceName).Update(ctx, obj, opts...)
			},
			SubResourcePatch: func(ctx context.Context, inner client.Client, subResourceName string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
				record("patch "+subResourceName+" of", obj)
				return inner.SubResource(subResourceName).Patch(ctx, obj, patch, opts...)
			},
			SubResourceApply: func(ctx context.Context, inner client.Client, subResourceName string, obj runtime.ApplyConfiguration, opts ...client.SubResourceApplyOption) error {
				writes = append(writes, fmt.Sprintf("apply %s of %T", subResourceName, obj))
				return inner.SubResource(subResourceName).Apply(ctx, obj, opts...)
			},
		})
		// A recorder without a channel drops the events.
		actuator = aclcontroller.NewActuator(c, &events.FakeRecorder{}, aclcontroller.Config{Limits: validation.DefaultLimits(), Namespace: extensionNamespace})
	})

	Describe("reconciling", func() {
		It("reports the rules in a typed ACLStatus", func(ctx context.Context) {
			Expect(reconcileShoot(ctx)).To(Succeed())
			Expect(deployed(ctx)).To(HaveLen(2))

			providerStatus := latest(ctx).Status.ProviderStatus
			Expect(providerStatus).NotTo(BeNil())
			typeMeta := metav1.TypeMeta{}
			Expect(json.Unmarshal(providerStatus.Raw, &typeMeta)).To(Succeed())
			Expect(typeMeta).To(Equal(metav1.TypeMeta{APIVersion: "acl.extensions.gardener.cloud/v1alpha1", Kind: "ACLStatus"}))
			// Clients read it through the acl API's scheme, as they read the providerConfig.
			scheme := runtime.NewScheme()
			install.Install(scheme)
			status := &acl.ACLStatus{}
			_, _, err := serializer.NewCodecFactory(scheme).UniversalDecoder().Decode(providerStatus.Raw, nil, status)
			Expect(err).NotTo(HaveOccurred())
			Expect(status.Mode).To(Equal(acl.ModeEnforce))
			Expect(status.IPv4Prefixes).To(Equal(1))
			Expect(status.IPv6Prefixes).To(Equal(1))
			Expect(status.Hash).To(HaveLen(64))
		})

		It("reports Audit mode in the status, with the warning that nothing is blocked, and the same rules' hash", func(ctx context.Context) {
			Expect(reconcileShoot(ctx)).To(Succeed())
			enforced := &aclv1alpha1.ACLStatus{}
			Expect(json.Unmarshal(latest(ctx).Status.ProviderStatus.Raw, enforced)).To(Succeed())

			current := latest(ctx)
			current.Spec.ProviderConfig = &runtime.RawExtension{Raw: []byte(strings.Replace(allowOffice, typed, typed+`,"mode":"Audit"`, 1))}
			Expect(seed.Update(ctx, current)).To(Succeed())
			Expect(reconcileShoot(ctx)).To(Succeed())

			audited := &aclv1alpha1.ACLStatus{}
			Expect(json.Unmarshal(latest(ctx).Status.ProviderStatus.Raw, audited)).To(Succeed())
			Expect(audited.Mode).To(Equal(aclv1alpha1.ModeAudit))
			Expect(audited.Hash).To(Equal(enforced.Hash), "the hash identifies the allowed sources, whatever the mode")
			Expect(audited.Warnings).To(ConsistOf(HavePrefix("spec.providerConfig.mode: the rules are audited")))

			// Operators see the shoots whose rules block nothing, next to the other states of the shoot's protection.
			Expect(testutil.GatherAndCount(metrics.Registry, "gardener_extension_acl_controller_audited")).To(BeNumerically(">=", 1))
			Expect(gaugeValue("gardener_extension_acl_controller_audited", shoot.TechnicalID())).To(Equal(1.0))
			egressUnknown := 0.0
			if audited.EgressUnknown {
				egressUnknown = 1
			}
			Expect(gaugeValue("gardener_extension_acl_controller_egress_unknown", shoot.TechnicalID())).To(Equal(egressUnknown))
		})

		It("gives the seed's monitoring alerts and a dashboard on metrics the controller exposes, all of them federated", func(ctx context.Context) {
			Expect(reconcileShoot(ctx)).To(Succeed())
			exposed := exposedMetrics()
			queries, err := monitoringqueries.Of(aclcontroller.MonitoringObjects(extensionNamespace))
			Expect(err).NotTo(HaveOccurred())
			Expect(queries.Rules).To(HaveLen(1))
			for _, rule := range queries.Rules[0].Groups[0].Rules {
				Expect(rule.Labels).To(HaveKeyWithValue("visibility", "operator"), rule.Alert)
			}
			// Prometheus' own parsers check the expressions in test/pilot (the nested module that can have them); here:
			// every metric they name exists, and the federation asks for it.
			Expect(queries.Federated).To(ConsistOf(`{__name__=~"gardener_extension_acl_controller_.+"}`))
			metricName := regexp.MustCompile(`gardener_extension_acl_[a-z_]+`)
			for _, expression := range queries.Expressions {
				names := metricName.FindAllString(expression, -1)
				Expect(names).NotTo(BeEmpty(), expression)
				for _, name := range names {
					Expect(exposed).To(ContainElement(name), expression)
					Expect(name).To(HavePrefix("gardener_extension_acl_controller_"), expression)
				}
			}
		})

		It("exposes metrics that follow Prometheus' naming conventions (promlint)", func(ctx context.Context) {
			Expect(reconcileShoot(ctx)).To(Succeed())
			names := exposedMetrics()
			Expect(names).To(ContainElements("gardener_extension_acl_controller_operations_total", "gardener_extension_acl_controller_audited",
				"gardener_extension_acl_controller_egress_unknown", "gardener_extension_acl_controller_rendered_prefixes"))
			problems, err := testutil.GatherAndLint(metrics.Registry, names...)
			Expect(err).NotTo(HaveOccurred())
			Expect(problems).To(BeEmpty())

			// Labels the seed Prometheus gives every target of gardener's PodMonitor "extensions": prometheus-operator's
			// namespace, container and pod (generatePodMonitorConfig in its pkg/prometheus/promcfg.go), job, and
			// Prometheus' instance. A metric label of the same name would be renamed to exported_<name> on the way.
			families, err := metrics.Registry.Gather()
			Expect(err).NotTo(HaveOccurred())
			for _, family := range families {
				if !strings.HasPrefix(family.GetName(), "gardener_extension_acl_") {
					continue
				}
				for _, metric := range family.GetMetric() {
					for _, label := range metric.GetLabel() {
						Expect(label.GetName()).NotTo(BeElementOf("namespace", "container", "pod", "job", "instance"), family.GetName())
					}
				}
			}
		})

		It("writes nothing when nothing changed", func(ctx context.Context) {
			Expect(reconcileShoot(ctx)).To(Succeed())
			before := latest(ctx)
			objects := deployed(ctx)
			// Like the API server, the fake client returns the provider status with its keys sorted, not in the order
			// the controller wrote them: only a comparison of the values finds it unchanged.
			written := &aclv1alpha1.ACLStatus{}
			Expect(json.Unmarshal(before.Status.ProviderStatus.Raw, written)).To(Succeed())
			inWrittenOrder, err := json.Marshal(written)
			Expect(err).NotTo(HaveOccurred())
			Expect(before.Status.ProviderStatus.Raw).NotTo(Equal(inWrittenOrder))

			writes = nil
			Expect(reconcileShoot(ctx)).To(Succeed())
			Expect(writes).To(BeEmpty())
			Expect(latest(ctx)).To(Equal(before))
			Expect(deployed(ctx)).To(Equal(objects))
		})

		It("writes the status again when it changed", func(ctx context.Context) {
			Expect(reconcileShoot(ctx)).To(Succeed())
			before := latest(ctx)
			// The same status as the controller wrote it before the status had a kind: it is rewritten once.
			untyped := map[string]any{}
			Expect(json.Unmarshal(before.Status.ProviderStatus.Raw, &untyped)).To(Succeed())
			delete(untyped, "apiVersion")
			delete(untyped, "kind")
			raw, err := json.Marshal(untyped)
			Expect(err).NotTo(HaveOccurred())
			before.Status.ProviderStatus = &runtime.RawExtension{Raw: raw}
			Expect(seed.Status().Update(ctx, before)).To(Succeed())

			writes = nil
			Expect(reconcileShoot(ctx)).To(Succeed())
			Expect(writes).To(ConsistOf(fmt.Sprintf("patch status of *v1alpha1.Extension %s/acl", shoot.TechnicalID())))
			Expect(string(latest(ctx).Status.ProviderStatus.Raw)).To(ContainSubstring(`"kind":"ACLStatus"`))
		})

		DescribeTable("fails and leaves the deployed filters and the status alone",
			func(ctx context.Context, breakInput func(context.Context), configurationProblem bool, message string) {
				Expect(reconcileShoot(ctx)).To(Succeed())
				before := latest(ctx)
				objects := deployed(ctx)

				breakInput(ctx)
				writes = nil
				refused, failed := operations("reconcile", "refused"), operations("reconcile", "error")
				err := reconcileShoot(ctx)
				Expect(err).To(MatchError(ContainSubstring(message)))
				if configurationProblem {
					// The shoot owner's to fix: gardener shows it as such and does not count it against the seed, nor
					// do the extension's metrics, on which the operators' alert fires.
					Expect(v1beta1helper.ExtractErrorCodes(err)).To(ConsistOf(gardencorev1beta1.ErrorConfigurationProblem))
					Expect([]float64{operations("reconcile", "refused"), operations("reconcile", "error")}).To(Equal([]float64{refused + 1, failed}))
				} else {
					Expect(v1beta1helper.ExtractErrorCodes(err)).To(BeEmpty())
					Expect([]float64{operations("reconcile", "refused"), operations("reconcile", "error")}).To(Equal([]float64{refused, failed + 1}))
				}
				Expect(writes).To(BeEmpty())
				Expect(deployed(ctx)).To(Equal(objects))
				Expect(latest(ctx).Status.ProviderStatus).To(Equal(before.Status.ProviderStatus))
			},
			Entry("invalid rules", func(ctx context.Context) {
				current := latest(ctx)
				current.Spec.ProviderConfig = &runtime.RawExtension{Raw: []byte(invalid)}
				Expect(seed.Update(ctx, current)).To(Succeed())
			}, true, "invalid ACL rules"),
			Entry("rules beyond the limits", func(ctx context.Context) {
				cidrs := make([]string, 0, validation.DefaultLimits().MaxEntries+1)
				for i := range cap(cidrs) {
					cidrs = append(cidrs, fmt.Sprintf(`"10.%d.%d.0/24"`, i/256, i%256))
				}
				current := latest(ctx)
				current.Spec.ProviderConfig = &runtime.RawExtension{Raw: fmt.Appendf(nil, `{%s,"rules":[{"action":"ALLOW","cidrs":[%s]}]}`, typed, strings.Join(cidrs, ","))}
				Expect(seed.Update(ctx, current)).To(Succeed())
			}, true, "invalid ACL rules"),
			Entry("the shoot's Cluster gone", func(ctx context.Context) {
				Expect(seed.Delete(ctx, &extensionsv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: shoot.TechnicalID()}})).To(Succeed())
			}, false, "failed to get the Cluster"),
			Entry("the ingress gateways gone", func(ctx context.Context) {
				deployments := &appsv1.DeploymentList{}
				Expect(seed.List(ctx, deployments, client.InNamespace("istio-ingress"))).To(Succeed())
				Expect(deployments.Items).NotTo(BeEmpty())
				for i := range deployments.Items {
					Expect(seed.Delete(ctx, &deployments.Items[i])).To(Succeed())
				}
			}, false, "failed to find the ingress gateway"),
		)
	})

	Describe("deleting", func() {
		It("removes the ManagedResource and its secret once gardener-resource-manager let them go", func(ctx context.Context) {
			Expect(reconcileShoot(ctx)).To(Succeed())
			objects := deployed(ctx)

			Expect(actuator.Delete(ctx, logr.Discard(), latest(ctx))).To(Succeed())
			Expect(gone(ctx, objects)).To(BeTrue())
			Expect(keptObjects).To(HaveKeyWithValue(constants.ManagedResourceName, false), "the EnvoyFilters go with the ManagedResource")
		})

		It("succeeds for a shoot it never reconciled", func(ctx context.Context) {
			Expect(actuator.Delete(ctx, logr.Discard(), latest(ctx))).To(Succeed())
			Expect(keptObjects).To(BeEmpty())
		})

		It("waits for gardener-resource-manager to delete the EnvoyFilters", func(ctx context.Context) {
			Expect(reconcileShoot(ctx)).To(Succeed())
			withFinalizer(ctx)

			// The actuator waits up to two minutes; the test does not.
			waitCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			Expect(actuator.Delete(waitCtx, logr.Discard(), latest(ctx))).To(MatchError(ContainSubstring("failed waiting for the EnvoyFilters to be deleted")))
			managedResource := &resourcesv1alpha1.ManagedResource{}
			Expect(seed.Get(ctx, managedResourceKey(), managedResource)).To(Succeed())
			Expect(managedResource.DeletionTimestamp).NotTo(BeNil())
		})

		It("removes the existing ACL extension's state of a shoot it never took over", func(ctx context.Context) {
			current := latest(ctx)
			// The state the existing ACL extension writes (stackitcloud/gardener-extension-acl, commit
			// a7549970a3f82ad1fb308aeac5a7d2e8d556cb0d, pkg/controller/actuator.go; see takeover.go).
			current.Status.State = &runtime.RawExtension{Raw: []byte(`{"istioNamespace":"istio-ingress"}`)}
			Expect(seed.Status().Update(ctx, current)).To(Succeed())

			Expect(actuator.Delete(ctx, logr.Discard(), latest(ctx))).To(Succeed())
			Expect(latest(ctx).Status.State).To(BeNil())
		})
	})

	Describe("force-deleting", func() {
		It("deletes the ManagedResource and its secret without waiting for gardener-resource-manager", func(ctx context.Context) {
			Expect(reconcileShoot(ctx)).To(Succeed())
			objects := deployed(ctx)
			withFinalizer(ctx)

			Expect(actuator.ForceDelete(ctx, logr.Discard(), latest(ctx))).To(Succeed())
			managedResource := &resourcesv1alpha1.ManagedResource{}
			Expect(seed.Get(ctx, managedResourceKey(), managedResource)).To(Succeed())
			Expect(managedResource.DeletionTimestamp).NotTo(BeNil())
			Expect(gone(ctx, objects[1:])).To(BeTrue(), "the secrets")
		})
	})

	Describe("migrating", func() {
		It("deletes the ManagedResource but tells gardener-resource-manager to keep the EnvoyFilters", func(ctx context.Context) {
			Expect(reconcileShoot(ctx)).To(Succeed())
			objects := deployed(ctx)

			Expect(actuator.Migrate(ctx, logr.Discard(), latest(ctx))).To(Succeed())
			Expect(gone(ctx, objects)).To(BeTrue())
			// The shoot's kube-apiserver keeps running here until the shoot's control plane has left the seed.
			Expect(keptObjects).To(HaveKeyWithValue(constants.ManagedResourceName, true))
		})

		It("succeeds for a shoot it never reconciled", func(ctx context.Context) {
			Expect(actuator.Migrate(ctx, logr.Discard(), latest(ctx))).To(Succeed())
			Expect(keptObjects).To(BeEmpty())
		})
	})
})

// exposedMetrics returns the names of the controller's metrics that have series.
func exposedMetrics() []string {
	families, err := metrics.Registry.Gather()
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	var names []string
	for _, family := range families {
		if strings.HasPrefix(family.GetName(), "gardener_extension_acl_") {
			names = append(names, family.GetName())
		}
	}
	return names
}

// metricValue returns the value of the controller's gauge or counter series with the given labels, -1 when there is
// none.
func metricValue(name string, want map[string]string) float64 {
	families, err := metrics.Registry.Gather()
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	for _, family := range families {
		if family.GetName() != name {
			continue
		}
		for _, metric := range family.GetMetric() {
			labels := map[string]string{}
			for _, label := range metric.GetLabel() {
				labels[label.GetName()] = label.GetValue()
			}
			if maps.Equal(labels, want) {
				return metric.GetGauge().GetValue() + metric.GetCounter().GetValue()
			}
		}
	}
	return -1
}

// gaugeValue returns the value of a controller gauge for a control plane namespace, -1 when it has none.
func gaugeValue(name, namespace string) float64 {
	return metricValue(name, map[string]string{"shoot_namespace": namespace})
}

// operations returns the count of the actuator's operations with a result, 0 before the first.
func operations(operation, result string) float64 {
	return max(0, metricValue("gardener_extension_acl_controller_operations_total", map[string]string{"operation": operation, "result": result}))
}
