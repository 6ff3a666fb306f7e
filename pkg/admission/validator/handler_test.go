// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator_test

import (
	"context"
	"net/http"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

var _ = Describe("Shoot handler", func() {
	var (
		handler  admission.Handler
		registry *prometheus.Registry
		ctx      = context.Background()
	)

	BeforeEach(func() {
		handler, registry = newHandler()
	})

	reviewCount := func(operation, result string) float64 {
		families, err := registry.Gather()
		Expect(err).NotTo(HaveOccurred())
		for _, family := range families {
			if family.GetName() != "gardener_extension_acl_admission_reviews_total" {
				continue
			}
			for _, metric := range family.GetMetric() {
				labels := map[string]string{}
				for _, label := range metric.GetLabel() {
					labels[label.GetName()] = label.GetValue()
				}
				if labels["operation"] == operation && labels["result"] == result {
					return metric.GetCounter().GetValue()
				}
			}
		}
		return 0
	}

	It("allows a Shoot with valid rules in either form", func() {
		for _, providerConfig := range []string{
			`{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["10.0.0.0/8"]}}`,
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"DENY","cidrs":["192.0.2.0/24"]}]}`,
		} {
			response := handler.Handle(ctx, request(admissionv1.Create, shootJSON("valid", aclExtension(providerConfig)), nil))
			Expect(response.Allowed).To(BeTrue(), providerConfig)
			Expect(response.Warnings).To(BeEmpty())
		}
		Expect(reviewCount("CREATE", "allowed")).To(Equal(2.0))
	})

	It("denies invalid rules with an Invalid status that lists every cause and still returns the warnings", func() {
		shoot := shootJSON("invalid",
			gardencorev1beta1.Extension{Type: "shoot-dns-service"},
			aclExtension(`{"rule":{"action":"ALLOW","type":"source_ip","cidrs":["10.1.2.3/8","bad"]}}`))
		response := handler.Handle(ctx, request(admissionv1.Create, shoot, nil))

		Expect(response.Allowed).To(BeFalse())
		Expect(response.Result.Code).To(Equal(int32(422)))
		Expect(response.Result.Reason).To(Equal(metav1.StatusReasonInvalid))
		Expect(response.Result.Message).To(And(
			HavePrefix(`Shoot.core.gardener.cloud "invalid" is invalid: [`),
			ContainSubstring(`spec.extensions[1].providerConfig.rule.cidrs[0]: Invalid value: "10.1.2.3/8": has host bits set`),
			ContainSubstring(`spec.extensions[1].providerConfig.rule.cidrs[1]: Invalid value: "bad": is not a valid IPv4 or IPv6 CIDR`),
		))
		Expect(response.Result.Details.Causes).To(HaveLen(2))
		Expect(response.Warnings).To(ConsistOf(ContainSubstring("spec.extensions[1].providerConfig.rule.type: source_ip is deprecated")))
		Expect(reviewCount("CREATE", "denied")).To(Equal(1.0))
	})

	It("allows rules in Audit mode with a warning that they block nothing, on create and on every update", func() {
		shoot := shootJSON("audit", aclExtension(`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","mode":"Audit","rules":[{"action":"ALLOW","cidrs":["192.0.2.0/24"]}]}`))
		for _, review := range []admission.Request{request(admissionv1.Create, shoot, nil), request(admissionv1.Update, shoot, shoot)} {
			response := handler.Handle(ctx, review)
			Expect(response.Allowed).To(BeTrue())
			Expect(response.Warnings).To(ConsistOf(HavePrefix("spec.extensions[0].providerConfig.mode: the rules are audited")))
		}
	})

	It("skips disabled acl extensions", func() {
		extension := aclExtension(`{"rule":"not an object"}`)
		extension.Disabled = ptr.To(true)
		Expect(handler.Handle(ctx, request(admissionv1.Create, shootJSON("disabled", extension), nil)).Allowed).To(BeTrue())
	})

	It("ratchets on UPDATE against the old Shoot and does not re-validate an unchanged providerConfig", func() {
		old := shootJSON("ratchet", aclExtension(`{"rule":{"action":"ALLOW","cidrs":["10.1.2.3/8"]}}`))
		updated := shootJSON("ratchet", aclExtension(`{"rule":{"action":"ALLOW","cidrs":["10.1.2.3/8","192.0.2.0/24"]}}`))
		response := handler.Handle(ctx, request(admissionv1.Update, updated, old))
		Expect(response.Allowed).To(BeTrue())
		Expect(response.Warnings).To(ConsistOf(ContainSubstring("it is accepted because the shoot already had it")))

		unchangedInvalid := shootJSON("ratchet", aclExtension(`{"rule":{"action":"ALLOW","cidrs":["bad"]}}`))
		response = handler.Handle(ctx, request(admissionv1.Update, unchangedInvalid, unchangedInvalid))
		Expect(response.Allowed).To(BeTrue())
		Expect(reviewCount("UPDATE", "allowed")).To(Equal(2.0))
	})

	It("allows operations other than CREATE and UPDATE", func() {
		Expect(handler.Handle(ctx, request(admissionv1.Delete, nil, shootJSON("gone"))).Allowed).To(BeTrue())
	})

	DescribeTable("answers malformed requests with a clear error",
		func(req admission.Request, message string) {
			response := handler.Handle(ctx, req)
			Expect(response.Allowed).To(BeFalse())
			Expect(response.Result.Code).To(Equal(int32(http.StatusBadRequest)))
			Expect(response.Result.Message).To(ContainSubstring(message))
			Expect(reviewCount(string(req.Operation), "errored")).To(Equal(1.0))
		},
		Entry("another kind", func() admission.Request {
			req := request(admissionv1.Create, []byte(`{}`), nil)
			req.Kind = metav1.GroupVersionKind{Group: "", Version: "v1", Kind: "ConfigMap"}
			return req
		}(), "this webhook validates Shoots of core.gardener.cloud, not /v1, Kind=ConfigMap"),
		Entry("no object", request(admissionv1.Create, nil, nil), "failed to decode the Shoot: the request carries no object"),
		Entry("garbage object", request(admissionv1.Create, []byte(`{"kind":"Shoot","apiVersion":"core.gardener.cloud/v1beta1","spec":[`), nil), "failed to decode the Shoot"),
		Entry("a ConfigMap disguised as a Shoot request", request(admissionv1.Create, []byte(`{"kind":"ConfigMap","apiVersion":"v1","data":{}}`), nil), "failed to decode the Shoot"),
		Entry("garbage old object", request(admissionv1.Update, shootJSON("x"), []byte(`not json`)), "failed to decode the old Shoot"),
	)

	It("exposes its metrics", func() {
		handler.Handle(ctx, request(admissionv1.Create, shootJSON("m", aclExtension(`{"rule":{"action":"ALLOW","type":"source_ip","cidrs":["10.0.0.0/8"]}}`)), nil))
		names := []string{"gardener_extension_acl_admission_reviews_total", "gardener_extension_acl_admission_review_duration_seconds", "gardener_extension_acl_admission_warnings_total"}
		Expect(testutil.GatherAndCount(registry, names...)).To(Equal(3))
		// Names, units and help follow Prometheus' conventions.
		problems, err := testutil.GatherAndLint(registry, names...)
		Expect(err).NotTo(HaveOccurred())
		Expect(problems).To(BeEmpty())
	})
})
