// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package admission_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/example"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

// shootWith returns a workerless Shoot with the given extensions.
func shootWith(name string, extensions ...gardencorev1beta1.Extension) *gardencorev1beta1.Shoot {
	return testenv.WorkerlessShoot(name, extensions...)
}

func aclExtension(providerConfig string) gardencorev1beta1.Extension {
	return gardencorev1beta1.Extension{Type: "acl", ProviderConfig: &runtime.RawExtension{Raw: []byte(providerConfig)}}
}

// reviews returns the number of admission reviews the webhook has answered, from its Prometheus metrics.
func reviews() int {
	response, err := http.Get(metricsURL)
	Expect(err).NotTo(HaveOccurred())
	defer response.Body.Close()
	total := 0
	scanner := bufio.NewScanner(response.Body)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "gardener_extension_acl_admission_reviews_total{") {
			fields := strings.Fields(line)
			count, err := strconv.ParseFloat(fields[len(fields)-1], 64)
			Expect(err).NotTo(HaveOccurred())
			total += int(count)
		}
	}
	Expect(scanner.Err()).NotTo(HaveOccurred())
	return total
}

var _ = Describe("Shoot admission through gardener-apiserver", Ordered, func() {
	var (
		recorder *testenv.WarningRecorder
		c        client.Client
	)

	BeforeAll(func() {
		recorder = &testenv.WarningRecorder{}
		config := rest.CopyConfig(garden.Config)
		config.WarningHandlerWithContext = recorder
		var err error
		c, err = client.New(config, client.Options{Scheme: kubernetes.GardenScheme})
		Expect(err).NotTo(HaveOccurred())
	})

	It("registers a fail-closed webhook for Shoot creates and updates that selects Shoots with the acl extension", func(ctx context.Context) {
		configuration := &admissionregistrationv1.ValidatingWebhookConfiguration{}
		Expect(garden.Client.Get(ctx, client.ObjectKey{Name: webhookConfig}, configuration)).To(Succeed())
		webhook := configuration.Webhooks[0]
		Expect(webhook.Name).To(Equal("validator.admission-acl.extensions.gardener.cloud"))
		Expect(webhook.Rules).To(ConsistOf(admissionregistrationv1.RuleWithOperations{
			Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
			Rule: admissionregistrationv1.Rule{
				APIGroups: []string{"core.gardener.cloud"}, APIVersions: []string{"*"}, Resources: []string{"shoots"},
				Scope: ptr.To(admissionregistrationv1.AllScopes),
			},
		}))
		Expect(webhook.FailurePolicy).To(PointTo(Equal(admissionregistrationv1.Fail)))
		Expect(webhook.SideEffects).To(PointTo(Equal(admissionregistrationv1.SideEffectClassNone)))
		Expect(webhook.ObjectSelector.MatchLabels).To(Equal(map[string]string{"extensions.extensions.gardener.cloud/acl": "true"}))
		Expect(webhook.ClientConfig.URL).To(PointTo(Equal("https://" + webhookAddress + "/webhooks/validate-shoot-acl")))
	})

	It("serves its health endpoints", func() {
		Expect(testenv.CheckHealth(healthURL)).To(Succeed())
	})

	It("creates a Shoot with valid rules in the typed form, labelled for the webhook", func(ctx context.Context) {
		shoot := shootWith("typed", aclExtension(`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["10.250.0.0/16","2001:db8::/32"]}]}`))
		Expect(c.Create(ctx, shoot)).To(Succeed())
		Expect(shoot.Labels).To(HaveKeyWithValue("extensions.extensions.gardener.cloud/acl", "true"))
		Expect(recorder.Take()).To(BeEmpty())
	})

	It("creates every example Shoot as shipped, through the webhook", func(ctx context.Context) {
		files, err := fs.Glob(example.FS, "shoot-*.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(HaveLen(6))
		for _, file := range files {
			objects, err := testenv.ExampleObjects(file)
			Expect(err).NotTo(HaveOccurred())
			Expect(objects).To(HaveLen(1))
			Expect(c.Create(ctx, objects[0])).To(Succeed(), file)
			Expect(objects[0].GetLabels()).To(HaveKeyWithValue("extensions.extensions.gardener.cloud/acl", "true"), file)
			warnings := recorder.Take()
			if file == "shoot-audit.yaml" {
				// The person who writes rules in Audit mode learns from kubectl that they block nothing.
				Expect(warnings).To(ConsistOf(HavePrefix("spec.extensions[0].providerConfig.mode: the rules are audited")), file)
			}
		}
	})

	It("creates a Shoot with the legacy form used by shoots in the field", func(ctx context.Context) {
		Expect(c.Create(ctx, shootWith("legacy", aclExtension(`{"rule":{"action":"allow","type":"remote_ip","cidrs":["198.51.100.0/24"]}}`)))).To(Succeed())
	})

	It("rejects malformed rules with every field path and message in the API error", func(ctx context.Context) {
		shoot := shootWith("malformed", aclExtension(`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","type":"ip",
			"rules":[{"action":"ALLOW","cidrs":["10.1.2.3/8","10.0.0.0/33"]},{"action":"PERMIT","cidr":["192.0.2.0/24"]}]}`))
		err := c.Create(ctx, shoot)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "expected an Invalid error, got %v", err)
		Expect(err.Error()).To(And(
			ContainSubstring(`admission webhook "validator.admission-acl.extensions.gardener.cloud" denied the request`),
			ContainSubstring(`spec.extensions[0].providerConfig.type: Unsupported value: "ip": supported values: "remote_ip", "direct_remote_ip", "source_ip"`),
			ContainSubstring(`spec.extensions[0].providerConfig.rules[0].cidrs[0]: Invalid value: "10.1.2.3/8": has host bits set: write 10.0.0.0/8 for the whole network, or 10.1.2.3/32 for the single address`),
			ContainSubstring(`spec.extensions[0].providerConfig.rules[0].cidrs[1]: Invalid value: "10.0.0.0/33": has prefix length /33, out of range for IPv4: use /0 to /32`),
			ContainSubstring(`spec.extensions[0].providerConfig.rules[1].action: Unsupported value: "PERMIT": supported values: "ALLOW", "DENY"`),
			ContainSubstring(`spec.extensions[0].providerConfig.rules[1].cidr: Forbidden: unknown field "cidr": did you mean "cidrs"?`),
		))
		status := err.(apierrors.APIStatus).Status()
		Expect(status.Details).NotTo(BeNil())
		Expect(status.Details.Causes).To(HaveLen(5))

		Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(shoot), shoot))).To(BeTrue())
	})

	It("rejects an enabled acl extension without providerConfig", func(ctx context.Context) {
		err := c.Create(ctx, shootWith("no-config", gardencorev1beta1.Extension{Type: "acl"}))
		Expect(err).To(MatchError(ContainSubstring("spec.extensions[0].providerConfig: Required value: the acl extension needs a providerConfig with rules")))
	})

	It("returns warnings in the API response", func(ctx context.Context) {
		recorder.Take()
		Expect(c.Create(ctx, shootWith("warnings", aclExtension(`{"rule":{"action":"ALLOW","type":"source_ip","cidrs":["0.0.0.0/0","10.0.0.0/8"]}}`)))).To(Succeed())
		Expect(recorder.Take()).To(ConsistOf(
			"spec.extensions[0].providerConfig.rule.type: source_ip is deprecated in Envoy: write remote_ip, its replacement, which also honours the PROXY protocol (direct_remote_ip would match the load balancer instead)",
			"spec.extensions[0].providerConfig.rule.cidrs[0]: allows every IPv4 source: make sure this is intended, or list the networks that need access",
			"spec.extensions[0].providerConfig.rule.cidrs[1]: is already covered by 0.0.0.0/0 at spec.extensions[0].providerConfig.rule.cidrs[0]: remove it",
		))
	})

	It("never sends a Shoot without the acl extension to the webhook", func(ctx context.Context) {
		before := reviews()
		Expect(before).To(BeNumerically(">", 0), "the metric must count the earlier reviews")
		Expect(c.Create(ctx, shootWith("no-acl"))).To(Succeed())
		shoot := shootWith("no-acl")
		Expect(c.Get(ctx, client.ObjectKeyFromObject(shoot), shoot)).To(Succeed())
		shoot.Annotations = map[string]string{"acl-test": "touched"}
		Expect(c.Update(ctx, shoot)).To(Succeed())
		Expect(reviews()).To(Equal(before))
	})

	It("rejects an update that breaks the rules and accepts the update that fixes them", func(ctx context.Context) {
		shoot := shootWith("typed")
		Expect(c.Get(ctx, client.ObjectKeyFromObject(shoot), shoot)).To(Succeed())

		broken := shoot.DeepCopy()
		broken.Spec.Extensions[0] = aclExtension(`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["10.250.0.0/16","2001:db8::"]}]}`)
		err := c.Update(ctx, broken)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "expected an Invalid error, got %v", err)
		Expect(err.Error()).To(ContainSubstring(`spec.extensions[0].providerConfig.rules[0].cidrs[1]: Invalid value: "2001:db8::": misses the prefix length: write 2001:db8::/128 for this single address`))

		fixed := shoot.DeepCopy()
		fixed.Spec.Extensions[0] = aclExtension(`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["10.250.0.0/16","2001:db8::/128"]}]}`)
		Expect(c.Update(ctx, fixed)).To(Succeed())

		Expect(c.Get(ctx, client.ObjectKeyFromObject(shoot), shoot)).To(Succeed())
		var config map[string]any
		Expect(json.Unmarshal(shoot.Spec.Extensions[0].ProviderConfig.Raw, &config)).To(Succeed())
		Expect(config["rules"]).To(ContainElement(HaveKeyWithValue("cidrs", ContainElement("2001:db8::/128"))))
	})

	It("ratchets entries a Shoot already had when its acl extension is enabled", func(ctx context.Context) {
		// A Shoot whose acl extension is disabled is neither labelled nor validated, like a shoot from before the
		// webhook existed; its entries are ratcheted once it is enabled.
		disabled := aclExtension(`{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["10.1.2.3/8"]}}`)
		disabled.Disabled = ptr.To(true)
		shoot := shootWith("ratchet", disabled)
		Expect(c.Create(ctx, shoot)).To(Succeed())
		recorder.Take()

		shoot.Spec.Extensions[0] = aclExtension(`{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["10.1.2.3/8","172.16.5.0/12"]}}`)
		err := c.Update(ctx, shoot)
		Expect(err).To(MatchError(ContainSubstring(`spec.extensions[0].providerConfig.rule.cidrs[1]: Invalid value: "172.16.5.0/12": has host bits set: write 172.16.0.0/12`)))
		Expect(err.Error()).NotTo(ContainSubstring("cidrs[0]"))

		Expect(c.Get(ctx, client.ObjectKeyFromObject(shoot), shoot)).To(Succeed())
		shoot.Spec.Extensions[0] = aclExtension(`{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["10.1.2.3/8","172.16.0.0/12"]}}`)
		Expect(c.Update(ctx, shoot)).To(Succeed())
		Expect(recorder.Take()).To(ContainElement(ContainSubstring(`spec.extensions[0].providerConfig.rule.cidrs[0]: "10.1.2.3/8" has host bits set`)))
	})
})
