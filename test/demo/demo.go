// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package demo runs the whole extension on one machine: a garden-in-a-box (etcd, kube-apiserver, gardener-apiserver)
// whose kube-apiserver also plays the seed, the admission component, the seed controller and gardener-resource-manager's
// ManagedResource controller, and walks a shoot owner's way through it.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	controllerapp "github.com/gardener-community/gardener-extension-acl/cmd/gardener-extension-acl/app"
	admissionapp "github.com/gardener-community/gardener-extension-acl/cmd/gardener-extension-admission-acl/app"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

const (
	// MalformedProviderConfig is the providerConfig the demo shows the admission error for.
	MalformedProviderConfig = `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["10.1.2.3/8","2001:db8::1"]},{"action":"PERMIT","cidr":["192.0.2.0/24"]}]}`
	// DualStackProviderConfig is the providerConfig of the demo's valid dual-stack shoot.
	DualStackProviderConfig = `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["203.0.113.0/24","2001:db8:1::/48","203.0.113.128/25"]},{"action":"DENY","cidrs":["203.0.113.64/26"]}]}`
	// AuditProviderConfig is DualStackProviderConfig in Audit mode: the rules are counted and block nothing.
	AuditProviderConfig = `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","mode":"Audit","rules":[{"action":"ALLOW","cidrs":["203.0.113.0/24","2001:db8:1::/48","203.0.113.128/25"]},{"action":"DENY","cidrs":["203.0.113.64/26"]}]}`
	// ShootTechnicalID is the control plane namespace of the demo's shoot.
	ShootTechnicalID = "shoot--dev--demo"
	ingressNamespace = "istio-ingress"
)

// Options configure a demo run.
type Options struct {
	// Out receives the walkthrough.
	Out io.Writer
	// Keep keeps everything running after the walkthrough, until ctx is cancelled, and writes a kubeconfig to
	// KubeconfigDir.
	Keep bool
	// KubeconfigDir is where the kubeconfig of the garden-in-a-box is written.
	KubeconfigDir string
}

// Run starts the garden-in-a-box and the extension, walks through admission and enforcement, and tears everything
// down again (unless Keep is set, then only when ctx is cancelled).
func Run(ctx context.Context, options Options) (err error) {
	out := &printer{w: options.Out}
	started := time.Now()
	// gardener-apiserver, started in this process, closes gardener's feature gate for new gates when it parses its
	// flags; the seed's objects are built later by gardenlet's code, which needs gardenlet's gates.
	gardenerseed.RegisterFeatureGates()

	out.step("Starting etcd, kube-apiserver and gardener-apiserver (the garden, which also plays the seed)")
	garden, err := testenv.StartGarden()
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, garden.Stop()) }()
	seedClient, err := client.New(garden.Config, client.Options{Scheme: testenv.SeedScheme()})
	if err != nil {
		return err
	}
	if err := testenv.InstallSeedCRDs(ctx, seedClient); err != nil {
		return err
	}
	kubeconfig, err := testenv.WriteKubeconfig(garden.Config, options.KubeconfigDir, "garden.kubeconfig")
	if err != nil {
		return err
	}

	out.step("Starting gardener-extension-admission-acl, gardener-extension-acl and gardener-resource-manager's ManagedResource controller")
	stopComponents, err := startComponents(ctx, garden, seedClient, kubeconfig)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stopComponents()) }()
	if err := testenv.CreateGardenPrerequisites(ctx, garden.Client); err != nil {
		return err
	}

	warnings := &testenv.WarningRecorder{}
	ownerConfig := rest.CopyConfig(garden.Config)
	ownerConfig.WarningHandlerWithContext = warnings
	owner, err := client.New(ownerConfig, client.Options{Scheme: kubernetes.GardenScheme})
	if err != nil {
		return err
	}

	out.step("A shoot owner applies a Shoot with malformed ACL rules; this is what the API answers:")
	err = owner.Create(ctx, testenv.WorkerlessShoot("broken", aclExtension(MalformedProviderConfig)))
	if err == nil {
		return fmt.Errorf("the malformed Shoot was admitted")
	}
	out.indent(err.Error())

	out.step("The owner fixes the rules and applies a dual-stack Shoot; it is created, with these warnings:")
	shoot := testenv.WorkerlessShoot("demo", aclExtension(DualStackProviderConfig))
	if err := owner.Create(ctx, shoot); err != nil {
		return fmt.Errorf("failed to create the valid Shoot: %w", err)
	}
	for _, warning := range warnings.Take() {
		out.indent("Warning: " + warning)
	}

	out.step("Playing gardenlet with gardener v1.150's own code: the seed's istio ingress gateway, the Shoot's control plane namespace, its istio Gateways, the Cluster and the Extension in the seed")
	extension, err := testenv.ShootFixture{
		// A seed whose load balancer keeps client addresses, so the rules restrict every client.
		Seed:           gardenerseed.Seed{IngressDomain: "ingress.local.seed.local.gardener.cloud", ExternalTrafficPolicy: new(corev1.ServiceExternalTrafficPolicyLocal)},
		Shoot:          gardenerseed.Shoot{Name: shoot.Name, Domain: "demo.dev.local.gardener.cloud", InternalDomain: "internal.local.gardener.cloud"},
		Workerless:     true,
		ProviderConfig: string(shoot.Spec.Extensions[0].ProviderConfig.Raw),
	}.Create(ctx, seedClient)
	if err != nil {
		return err
	}

	filter, shared, err := waitForEnvoyFilters(ctx, seedClient)
	if err != nil {
		return err
	}
	out.step("gardener-extension-acl rendered, and gardener-resource-manager applied, these EnvoyFilters:")
	raw, err := yaml.Marshal(&filter.Spec)
	if err != nil {
		return err
	}
	out.indent(fmt.Sprintf("%s/%s (%d patches, spec %d bytes), one RBAC filter for each of:", filter.Namespace, filter.Name, len(filter.Spec.ConfigPatches), len(raw)))
	var rules *istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch
	for _, patch := range filter.Spec.ConfigPatches {
		listener := patch.Match.GetListener()
		switch sni := listener.GetFilterChain().GetSni(); {
		case patch.ApplyTo == istioapinetworkingv1alpha3.EnvoyFilter_EXTENSION_CONFIG:
			rules = patch
		case sni != "":
			out.indent(fmt.Sprintf("  port %d, the filter chain matched by server name %s", listener.GetPortNumber(), sni))
		}
	}
	ports := sets.New[uint32]()
	for _, patch := range shared.Spec.ConfigPatches {
		ports.Insert(patch.Match.GetListener().GetPortNumber())
	}
	slot := envoyfilter.SharedFilterName(envoyfilter.HTTPProxyListenerPort, envoyfilter.SharedSlot{Form: 0, Shard: envoyfilter.Shard(ShootTechnicalID)})
	out.indent(fmt.Sprintf("%s/%s inserts %d filters into the shared listeners on ports %v, the same whatever the shoots and their rules;", shared.Namespace, shared.Name, len(shared.Spec.ConfigPatches), sets.List(ports)))
	out.indent(fmt.Sprintf("  the requests for this shoot's kube-apiserver there are decided by the slot configuration %s/%s, delivered by ECDS", shared.Namespace, slot))
	if rules != nil {
		out.indent("The rules of the filters on the shoot's own chains, which istiod delivers by ECDS (a change of them changes no listener):")
		rulesPatch, err := yaml.Marshal(rules)
		if err != nil {
			return err
		}
		out.indent(string(rulesPatch))
	}

	if err := seedClient.Get(ctx, client.ObjectKeyFromObject(extension), extension); err != nil {
		return err
	}
	out.step("The Extension's status:")
	out.indent(fmt.Sprintf("lastOperation: %s %s", extension.Status.LastOperation.Type, extension.Status.LastOperation.State))
	out.indent("providerStatus: " + string(extension.Status.ProviderStatus.Raw))

	out.step("The owner switches the rules to Audit mode, to see what they would refuse before enforcing them; the API warns:")
	if err := owner.Get(ctx, client.ObjectKeyFromObject(shoot), shoot); err != nil {
		return err
	}
	shoot.Spec.Extensions[0].ProviderConfig = &runtime.RawExtension{Raw: []byte(AuditProviderConfig)}
	if err := owner.Update(ctx, shoot); err != nil {
		return fmt.Errorf("failed to switch the Shoot to Audit mode: %w", err)
	}
	for _, warning := range warnings.Take() {
		out.indent("Warning: " + warning)
	}

	out.step("Playing gardenlet again: the Extension gets the new providerConfig; the filter on the shoot's own chains now carries the rules as shadow rules, which Envoy counts without refusing anything:")
	if err := seedClient.Get(ctx, client.ObjectKeyFromObject(extension), extension); err != nil {
		return err
	}
	extension.Spec.ProviderConfig = &runtime.RawExtension{Raw: []byte(AuditProviderConfig)}
	if err := seedClient.Update(ctx, extension); err != nil {
		return err
	}
	audited, err := waitForAudit(ctx, seedClient, extension)
	if err != nil {
		return err
	}
	out.indent(audited)
	out.indent("providerStatus: " + string(extension.Status.ProviderStatus.Raw))

	out.step(fmt.Sprintf("Done in %s.", time.Since(started).Round(time.Second)))
	if options.Keep {
		out.indent("Everything keeps running. Use it with:\n  export KUBECONFIG=" + kubeconfig + "\n  kubectl get shoots -A; kubectl get envoyfilters -A\nPress Ctrl-C to stop.")
		<-ctx.Done()
	}
	return nil
}

// startComponents starts the extension's two binaries from their real commands and gardener-resource-manager's
// ManagedResource controller, and returns a function that stops all of them.
func startComponents(ctx context.Context, garden *testenv.Garden, seedClient client.Client, kubeconfig string) (func() error, error) {
	if err := seedClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "garden"}}); err != nil {
		return nil, err
	}
	ports := make([]int, 5)
	for i := range ports {
		port, err := testenv.FreePort()
		if err != nil {
			return nil, err
		}
		ports[i] = port
	}
	webhookAddress := "127.0.0.1:" + strconv.Itoa(ports[0])

	admission := testenv.StartComponent(admissionapp.NewAdmissionCommand,
		"--kubeconfig="+kubeconfig, "--runtime-kubeconfig="+kubeconfig, "--leader-election=false",
		"--webhook-config-mode=url", "--webhook-config-url="+webhookAddress, "--webhook-config-namespace=garden",
		"--webhook-config-server-host=127.0.0.1", "--webhook-config-server-port="+strconv.Itoa(ports[0]),
		"--webhook-config-cert-dir="+filepath.Join(filepath.Dir(kubeconfig), "webhook-certs"),
		"--metrics-bind-address=127.0.0.1:"+strconv.Itoa(ports[1]), "--health-bind-address=127.0.0.1:"+strconv.Itoa(ports[2]),
		"--log-level=error",
	)
	controller := testenv.StartComponent(controllerapp.NewControllerCommand,
		"--kubeconfig="+kubeconfig, "--leader-election=false", "--ignore-operation-annotation=true",
		"--heartbeat-namespace=garden", "--metrics-bind-address=127.0.0.1:"+strconv.Itoa(ports[3]),
		"--health-bind-address=127.0.0.1:"+strconv.Itoa(ports[4]), "--log-level=error",
	)

	mgr, err := testenv.NewSeedManager(garden.Config)
	if err != nil {
		return nil, err
	}
	if err := testenv.AddManagedResourceController(mgr); err != nil {
		return nil, err
	}
	stopManager := testenv.RunManager(mgr)

	stop := func() error {
		return errors.Join(stopManager(), admission.Stop(30*time.Second), controller.Stop(30*time.Second))
	}
	if err := errors.Join(
		admission.WaitReady("http://127.0.0.1:"+strconv.Itoa(ports[2]), time.Minute),
		controller.WaitReady("http://127.0.0.1:"+strconv.Itoa(ports[4]), time.Minute),
	); err != nil {
		return nil, errors.Join(err, stop())
	}
	return stop, nil
}

// waitForEnvoyFilters waits until the ingress gateway has the shoot's own EnvoyFilter and its shared slots, and the
// shoot's own filter has left the shared listeners to the slots, and returns the shoot's and the slots' insertions.
func waitForEnvoyFilters(ctx context.Context, c client.Client) (*istionetworkingv1alpha3.EnvoyFilter, *istionetworkingv1alpha3.EnvoyFilter, error) {
	own, shared := &istionetworkingv1alpha3.EnvoyFilter{}, &istionetworkingv1alpha3.EnvoyFilter{}
	deadline := time.Now().Add(time.Minute)
	for {
		err := errors.Join(
			c.Get(ctx, client.ObjectKey{Namespace: ingressNamespace, Name: envoyfilter.Name(ShootTechnicalID)}, own),
			c.Get(ctx, client.ObjectKey{Namespace: ingressNamespace, Name: envoyfilter.SharedFiltersName}, shared),
		)
		if err == nil && !inSharedListeners(own) {
			return own, shared, nil
		}
		if time.Now().After(deadline) {
			return nil, nil, fmt.Errorf("the EnvoyFilters did not appear within a minute: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitForAudit waits until the Extension reports Audit mode and the shoot's own EnvoyFilter delivers its rules as
// shadow rules, and returns that configuration patch as YAML; extension holds the Extension as last read.
func waitForAudit(ctx context.Context, c client.Client, extension *extensionsv1alpha1.Extension) (string, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		var shadowRules string
		own := &istionetworkingv1alpha3.EnvoyFilter{}
		err := errors.Join(c.Get(ctx, client.ObjectKeyFromObject(extension), extension), c.Get(ctx, client.ObjectKey{Namespace: ingressNamespace, Name: envoyfilter.Name(ShootTechnicalID)}, own))
		if err == nil {
			for _, patch := range own.Spec.ConfigPatches {
				if patch.ApplyTo != istioapinetworkingv1alpha3.EnvoyFilter_EXTENSION_CONFIG {
					continue
				}
				config, _ := patch.GetPatch().GetValue().GetFields()["typed_config"].GetStructValue().AsMap()["shadow_rules"].(map[string]any)
				if config == nil {
					continue
				}
				raw, err := yaml.Marshal(map[string]any{"shadow_rules": config})
				if err != nil {
					return "", err
				}
				shadowRules = string(raw)
			}
		}
		if shadowRules != "" && extension.Status.ProviderStatus != nil && strings.Contains(string(extension.Status.ProviderStatus.Raw), `"mode":"Audit"`) {
			return shadowRules, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the Audit mode did not arrive within a minute: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// inSharedListeners tells whether a shoot's own EnvoyFilter still holds filters in the shared listeners, as it does
// until the gateway's slots are applied.
func inSharedListeners(filter *istionetworkingv1alpha3.EnvoyFilter) bool {
	for _, patch := range filter.Spec.ConfigPatches {
		if patch.ApplyTo == istioapinetworkingv1alpha3.EnvoyFilter_HTTP_FILTER {
			return true
		}
	}
	return false
}

func aclExtension(providerConfig string) gardencorev1beta1.Extension {
	return gardencorev1beta1.Extension{Type: "acl", ProviderConfig: &runtime.RawExtension{Raw: []byte(providerConfig)}}
}
