// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	meshconfig "istio.io/api/mesh/v1alpha1"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	"istio.io/istio/pilot/pkg/config/kube/crd"
	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pilot/test/xds"
	"istio.io/istio/pkg/config"
	"istio.io/istio/pkg/config/constants"
	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/config/schema/gvk"
	"istio.io/istio/pkg/config/schema/resource"
	kubelib "istio.io/istio/pkg/kube"
	istiolog "istio.io/istio/pkg/log"
	"istio.io/istio/pkg/test"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

const (
	// DefaultProxyIstioVersion is the istio version the generated configuration is for unless Gateway.IstioVersion
	// says otherwise: the istio-proxy gardener v1.150 deploys. Pilot adapts some of its output to the proxy's version.
	DefaultProxyIstioVersion = "1.29.6"
	// DefaultProxyIP is the address of the gateway pod unless Gateway.IP says otherwise.
	DefaultProxyIP = "10.0.0.1"
)

// creationTime is the creation timestamp of objects that carry none. Pilot orders EnvoyFilters of equal priority by
// creation time and then by name; a fixed time keeps the output deterministic.
var creationTime = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

const (
	// meshConfigMapName and meshConfigKey name istiod's mesh configuration (istio's and gardener's istiod chart).
	meshConfigMapName = "istio"
	meshConfigKey     = "mesh"
)

// kubeKinds are the Kubernetes kinds pilot's service registry reads, which Generate hands to it.
var kubeKinds = map[schema.GroupKind]bool{
	{Kind: "Service"}:   true,
	{Kind: "Pod"}:       true,
	{Kind: "Namespace"}: true,
	{Kind: "Node"}:      true,
	{Kind: "Secret"}:    true,
	{Kind: "ConfigMap"}: true,
	{Group: "discovery.k8s.io", Kind: "EndpointSlice"}: true,
}

var (
	// generateMu serializes Generate: pilot keeps process-global state (feature flags, metrics, debug handlers).
	generateMu sync.Mutex
	// quietLogs lowers the output level of istio's log scopes once.
	quietLogs sync.Once
)

// Gateway identifies the gateway proxy whose configuration is generated: a pod of an istio ingress gateway
// Deployment, seen by pilot as a proxy of type Router.
type Gateway struct {
	// Namespace is the namespace of the gateway pod (the istio ingress namespace).
	Namespace string
	// Labels are the labels of the gateway pod; istio Gateways and EnvoyFilters select the proxy by them, and pilot
	// finds the Services of the pod (and so the target ports of Gateway servers) by them.
	Labels map[string]string
	// IP is the pod's address, DefaultProxyIP when empty. A Pod object with this IP, if given, is the proxy's pod.
	IP string
	// IstioVersion is the version of the proxy, DefaultProxyIstioVersion when empty.
	IstioVersion string
}

// Config is what pilot sends to the gateway proxy.
type Config struct {
	// Listeners are the listeners (LDS), sorted by name.
	Listeners []*listenerv3.Listener
	// Routes are the route configurations the listeners reference by RDS, sorted by name.
	Routes []*routev3.RouteConfiguration
	// Clusters are the clusters (CDS), sorted by name.
	Clusters []*clusterv3.Cluster
	// ExtensionConfigs are the extension configurations (ECDS) that filters of the listeners reference by
	// config_discovery, sorted by name. Envoy asks for exactly these names, so pilot's answer to them is given.
	ExtensionConfigs []*corev3.TypedExtensionConfig
	// Warnings are what istio's validation says about the istio objects and what Generate noticed pilot dropping or
	// not applying: EnvoyFilter patches pilot discarded, EnvoyFilters and Gateways that do not select the proxy, TLS
	// hosts of selected Gateways that no filter chain serves, resources the listeners reference that pilot did not
	// generate. Sorted.
	Warnings []string
	// Ignored names the objects of kinds pilot does not read (e.g. Deployments), as "Kind namespace/name", sorted.
	Ignored []string
	// MeshConfig says where istiod's mesh configuration came from: the ConfigMap "namespace/istio" among the objects,
	// or "istio's default".
	MeshConfig string
}

// Generate runs istio's pilot offline on the objects and returns the configuration it generates for the gateway
// proxy. Objects are Kubernetes objects of the kinds pilot's service registry reads (Services, Pods, EndpointSlices,
// Namespaces, Nodes, Secrets, ConfigMaps; istiod's mesh configuration is read from the ConfigMap "istio", istio's
// default applies without one) and istio configuration (networking.istio.io Gateways, VirtualServices,
// DestinationRules, EnvoyFilters, ServiceEntries, ... of any version pilot serves), typed or unstructured; other
// kinds are listed in Config.Ignored. An istio object that istio's validation rejects is an error, as the validating
// webhook would not have admitted it. Generate is deterministic and safe for concurrent use (calls are serialized).
func Generate(objects []runtime.Object, gateway Gateway) (*Config, error) {
	if gateway.Namespace == "" {
		return nil, fmt.Errorf("failed to generate: the gateway has no namespace")
	}
	inputs, err := convertObjects(objects)
	if err != nil {
		return nil, err
	}

	generateMu.Lock()
	defer generateMu.Unlock()
	quietLogs.Do(func() {
		// Pilot logs every informer sync at info level; errors (e.g. "listeners patch caused panic, so the patches did
		// not take effect") still show.
		for _, scope := range istiolog.Scopes() {
			scope.SetOutputLevel(istiolog.ErrorLevel)
		}
	})

	var out *Config
	// test.Wrap runs pilot's test harness with a Failer whose Fatal ends the goroutine and becomes the error, and runs
	// the harness' cleanups (stopping its informers and servers) before it returns.
	if err := test.Wrap(func(t test.Failer) {
		server := xds.NewFakeDiscoveryServer(t, xds.FakeOptions{
			Configs:           inputs.configs,
			KubernetesObjects: inputs.kube,
			MeshConfig:        inputs.mesh,
		})
		proxy := server.SetupProxy(newProxy(gateway))
		result, err := generate(server, proxy)
		if err != nil {
			t.Fatal(err)
		}
		result.Warnings = append(result.Warnings, inputs.warnings...)
		result.Warnings = append(result.Warnings, selectionWarnings(server.PushContext(), proxy, inputs.configs)...)
		result.Warnings = append(result.Warnings, unservedHostWarnings(proxy, inputs.configs, result.Listeners)...)
		slices.Sort(result.Warnings)
		result.Ignored = inputs.ignored
		result.MeshConfig = inputs.meshSource
		out = result
	}); err != nil {
		return nil, fmt.Errorf("failed to generate the configuration of gateway %s: %w", gateway.Namespace, err)
	}
	return out, nil
}

func newProxy(gateway Gateway) *model.Proxy {
	ip := cmp.Or(gateway.IP, DefaultProxyIP)
	version := cmp.Or(gateway.IstioVersion, DefaultProxyIstioVersion)
	return &model.Proxy{
		Type:            model.Router,
		ID:              "istio-ingressgateway." + gateway.Namespace,
		ConfigNamespace: gateway.Namespace,
		IPAddresses:     []string{ip},
		Labels:          maps.Clone(gateway.Labels),
		Metadata: &model.NodeMetadata{
			Namespace:    gateway.Namespace,
			Labels:       maps.Clone(gateway.Labels),
			ClusterID:    constants.DefaultClusterName,
			IstioVersion: version,
			InstanceIPs:  []string{ip},
		},
	}
}

// generate asks pilot's generators for the proxy's listeners, the routes and extension configs they reference, and
// the clusters.
func generate(server *xds.FakeDiscoveryServer, proxy *model.Proxy) (*Config, error) {
	push := server.PushContext()
	out := &Config{Listeners: server.ConfigGen.BuildListeners(proxy, push)}
	slices.SortFunc(out.Listeners, func(a, b *listenerv3.Listener) int { return cmp.Compare(a.GetName(), b.GetName()) })

	refs, err := references(out.Listeners)
	if err != nil {
		return nil, err
	}

	routeResources, _ := server.ConfigGen.BuildHTTPRoutes(proxy, &model.PushRequest{Push: push, Forced: true}, refs.routes)
	for _, r := range routeResources {
		routeConfig := &routev3.RouteConfiguration{}
		if err := r.GetResource().UnmarshalTo(routeConfig); err != nil {
			return nil, fmt.Errorf("failed to decode route configuration %s: %w", r.GetName(), err)
		}
		out.Routes = append(out.Routes, routeConfig)
	}
	slices.SortFunc(out.Routes, func(a, b *routev3.RouteConfiguration) int { return cmp.Compare(a.GetName(), b.GetName()) })
	out.Warnings = append(out.Warnings, missing("route configuration", refs.routes, out.Routes)...)

	clusterResources, _ := server.ConfigGen.BuildClusters(proxy, &model.PushRequest{Push: push, Forced: true})
	for _, r := range clusterResources {
		c := &clusterv3.Cluster{}
		if err := r.GetResource().UnmarshalTo(c); err != nil {
			return nil, fmt.Errorf("failed to decode cluster %s: %w", r.GetName(), err)
		}
		out.Clusters = append(out.Clusters, c)
	}
	slices.SortFunc(out.Clusters, func(a, b *clusterv3.Cluster) int { return cmp.Compare(a.GetName(), b.GetName()) })

	if len(refs.extensionConfigs) > 0 {
		out.ExtensionConfigs = server.ConfigGen.BuildExtensionConfiguration(proxy, push, refs.extensionConfigs, nil)
		slices.SortFunc(out.ExtensionConfigs, func(a, b *corev3.TypedExtensionConfig) int {
			return cmp.Compare(a.GetName(), b.GetName())
		})
		out.Warnings = append(out.Warnings, missing("extension config", refs.extensionConfigs, out.ExtensionConfigs)...)
	}
	return out, nil
}

// named is a generated resource with a name.
type named interface{ GetName() string }

// missing warns about each referenced name that no resource has.
func missing[T named](what string, names []string, resources []T) []string {
	var warnings []string
	for _, name := range names {
		if !slices.ContainsFunc(resources, func(r T) bool { return r.GetName() == name }) {
			warnings = append(warnings, fmt.Sprintf("pilot generated no %s %q that a listener references", what, name))
		}
	}
	return warnings
}

// referenced lists the names of resources that listeners reference, sorted and unique.
type referenced struct {
	routes           []string
	extensionConfigs []string
}

func references(listeners []*listenerv3.Listener) (referenced, error) {
	var refs referenced
	for _, l := range listeners {
		for _, lf := range l.GetListenerFilters() {
			if cd := lf.GetConfigDiscovery(); cd != nil {
				refs.extensionConfigs = append(refs.extensionConfigs, lf.GetName())
			}
		}
		for _, chain := range allChains(l) {
			for _, f := range chain.GetFilters() {
				if f.GetConfigDiscovery() != nil {
					refs.extensionConfigs = append(refs.extensionConfigs, f.GetName())
					continue
				}
				if !isHCM(f) {
					continue
				}
				hcm, err := unpackHCM(f)
				if err != nil {
					return referenced{}, fmt.Errorf("failed to read listener %s: %w", l.GetName(), err)
				}
				if rds := hcm.GetRds(); rds != nil {
					refs.routes = append(refs.routes, rds.GetRouteConfigName())
				}
				for _, hf := range hcm.GetHttpFilters() {
					if hf.GetConfigDiscovery() != nil {
						refs.extensionConfigs = append(refs.extensionConfigs, hf.GetName())
					}
				}
			}
		}
	}
	slices.Sort(refs.routes)
	slices.Sort(refs.extensionConfigs)
	refs.routes = slices.Compact(refs.routes)
	refs.extensionConfigs = slices.Compact(refs.extensionConfigs)
	return refs, nil
}

// allChains returns the filter chains of a listener and its default filter chain, if any.
func allChains(l *listenerv3.Listener) []*listenerv3.FilterChain {
	chains := slices.Clone(l.GetFilterChains())
	if l.GetDefaultFilterChain() != nil {
		chains = append(chains, l.GetDefaultFilterChain())
	}
	return chains
}

// inputs are the objects in the forms pilot's test harness takes.
type inputs struct {
	configs    []config.Config
	kube       []runtime.Object
	mesh       *meshconfig.MeshConfig
	meshSource string
	warnings   []string
	ignored    []string
}

func convertObjects(objects []runtime.Object) (inputs, error) {
	var in inputs
	for _, obj := range objects {
		raw, gv, err := encode(obj)
		if err != nil {
			return inputs{}, err
		}
		istioSchema, isIstio := collections.PilotGatewayAPI().FindByGroupVersionAliasesKind(resource.FromKubernetesGVK(&gv))
		switch {
		case isIstio:
			cfg, warning, err := convertIstio(istioSchema, raw)
			if err != nil {
				return inputs{}, err
			}
			in.configs = append(in.configs, cfg)
			if warning != "" {
				in.warnings = append(in.warnings, warning)
			}
		case kubeKinds[gv.GroupKind()]:
			decoded, _, err := kubelib.IstioCodec.UniversalDeserializer().Decode(raw, nil, nil)
			if err != nil {
				return inputs{}, fmt.Errorf("failed to decode %s: %w", gv.Kind, err)
			}
			in.kube = append(in.kube, decoded)
			if err := in.readMeshConfig(decoded); err != nil {
				return inputs{}, err
			}
		default:
			var meta struct {
				Metadata struct{ Namespace, Name string } `json:"metadata"`
			}
			if err := json.Unmarshal(raw, &meta); err != nil {
				return inputs{}, fmt.Errorf("failed to decode the metadata of a %s: %w", gv.Kind, err)
			}
			in.ignored = append(in.ignored, fmt.Sprintf("%s %s/%s", gv.Kind, meta.Metadata.Namespace, meta.Metadata.Name))
		}
	}
	slices.Sort(in.ignored)
	if in.mesh == nil {
		in.mesh, in.meshSource = mesh.DefaultMeshConfig(), "istio's default"
	}
	return in, nil
}

// readMeshConfig takes istiod's mesh configuration from its ConfigMap "istio" (key "mesh"), as istiod reads it:
// gardener's istio-istiod chart configures, e.g., the root namespace, the default exportTo of Services and the
// metrics provider, which all change what pilot generates.
func (in *inputs) readMeshConfig(obj runtime.Object) error {
	cm, ok := obj.(*corev1.ConfigMap)
	if !ok || cm.Name != meshConfigMapName {
		return nil
	}
	data, ok := cm.Data[meshConfigKey]
	if !ok {
		return nil
	}
	if in.mesh != nil {
		return fmt.Errorf("failed to read istiod's mesh configuration: ConfigMaps %s and %s/%s both have it", in.meshSource, cm.Namespace, cm.Name)
	}
	m, err := mesh.ApplyMeshConfigDefaults(data)
	if err != nil {
		return fmt.Errorf("failed to read istiod's mesh configuration from ConfigMap %s/%s: %w", cm.Namespace, cm.Name, err)
	}
	in.mesh, in.meshSource = m, cm.Namespace+"/"+cm.Name
	return nil
}

// encode returns the JSON of an object with its apiVersion and kind set, which typed objects often lack.
func encode(obj runtime.Object) ([]byte, schema.GroupVersionKind, error) {
	gv := obj.GetObjectKind().GroupVersionKind()
	if gv.Empty() {
		kinds, _, err := kubelib.IstioScheme.ObjectKinds(obj)
		if err != nil || len(kinds) == 0 {
			return nil, gv, fmt.Errorf("failed to find the kind of a %T: %w", obj, err)
		}
		gv = kinds[0]
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, gv, fmt.Errorf("failed to encode a %s: %w", gv.Kind, err)
	}
	var generic map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, gv, fmt.Errorf("failed to decode a %s: %w", gv.Kind, err)
	}
	generic["apiVersion"], generic["kind"] = gv.GroupVersion().String(), gv.Kind
	if raw, err = json.Marshal(generic); err != nil {
		return nil, gv, fmt.Errorf("failed to encode a %s: %w", gv.Kind, err)
	}
	return raw, gv, nil
}

// convertIstio converts an istio object the way istiod reads it from the API server (istio's crd conversion, strict
// about unknown fields) and validates it as istio's validating webhook does.
func convertIstio(s resource.Schema, raw []byte) (config.Config, string, error) {
	var kind crd.IstioKind
	if err := json.Unmarshal(raw, &kind); err != nil {
		return config.Config{}, "", fmt.Errorf("failed to decode istio object: %w", err)
	}
	cfg, err := crd.ConvertObject(s, &kind, "")
	if err != nil {
		return config.Config{}, "", fmt.Errorf("failed to convert %s %s/%s: %w", kind.Kind, kind.Namespace, kind.Name, err)
	}
	if cfg.CreationTimestamp.IsZero() {
		cfg.CreationTimestamp = creationTime
	}
	warning, err := s.ValidateConfig(*cfg)
	if err != nil {
		return config.Config{}, "", fmt.Errorf("failed to validate %s %s/%s, istio rejects it: %w", kind.Kind, kind.Namespace, kind.Name, err)
	}
	var warnings []string
	for _, w := range splitErrors(warning) {
		// istio warns about every EnvoyFilter that it "exposes internal implementation details"; that says nothing.
		if !strings.HasPrefix(w.Error(), boilerplateEnvoyFilterWarning) {
			warnings = append(warnings, w.Error())
		}
	}
	if len(warnings) > 0 {
		return *cfg, fmt.Sprintf("istio validation of %s %s/%s warns: %s", kind.Kind, kind.Namespace, kind.Name, strings.Join(warnings, "; ")), nil
	}
	return *cfg, "", nil
}

// boilerplateEnvoyFilterWarning starts the warning istio's validation gives for every EnvoyFilter.
const boilerplateEnvoyFilterWarning = "EnvoyFilter exposes internal implementation details"

// splitErrors returns the errors a (multi)error holds.
func splitErrors(err error) []error {
	if err == nil {
		return nil
	}
	if multi, ok := err.(interface{ WrappedErrors() []error }); ok {
		var out []error
		for _, e := range multi.WrappedErrors() {
			out = append(out, splitErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// selectionWarnings reports the EnvoyFilters and Gateways among configs that do not apply to the proxy, and the
// EnvoyFilter patches pilot discarded (e.g. a value it cannot build): they change nothing the proxy receives.
func selectionWarnings(push *model.PushContext, proxy *model.Proxy, configs []config.Config) []string {
	applied := map[string]int{}
	if merged := push.EnvoyFilters(proxy); merged != nil {
		for _, patches := range merged.Patches {
			for _, p := range patches {
				applied[p.FullName]++
			}
		}
	}
	gateways := map[string]bool{}
	for _, name := range proxy.MergedGateway.GetGatewayNames() {
		gateways[name] = true
	}

	var warnings []string
	for _, cfg := range configs {
		fullName := cfg.Namespace + "/" + cfg.Name
		switch cfg.GroupVersionKind.Kind {
		case gvk.EnvoyFilter.Kind:
			patches := configPatches(cfg)
			switch got := applied[fullName]; {
			case got == 0 && patches > 0:
				warnings = append(warnings, fmt.Sprintf("EnvoyFilter %s does not apply to the proxy (namespace or workload selector) or pilot discarded all of its patches", fullName))
			case got < patches:
				warnings = append(warnings, fmt.Sprintf("pilot discarded %d of the %d patches of EnvoyFilter %s", patches-got, patches, fullName))
			}
		case gvk.Gateway.Kind:
			if cfg.GroupVersionKind.Group == gvk.Gateway.Group && !gateways[fullName] {
				warnings = append(warnings, fmt.Sprintf("Gateway %s does not apply to the proxy", fullName))
			}
		}
	}
	return warnings
}

// unservedHostWarnings reports the hosts of TLS servers (passthrough or terminated) of the Gateways that apply to the
// proxy that no filter chain names in its server names: pilot builds a passthrough chain only for hosts a TLS route
// of a visible VirtualService names, and drops servers silently, e.g. when the VirtualService is not exported to the
// gateway's namespace.
func unservedHostWarnings(proxy *model.Proxy, configs []config.Config, listeners []*listenerv3.Listener) []string {
	served := map[string]bool{}
	for _, l := range listeners {
		for _, chain := range allChains(l) {
			for _, name := range chain.GetFilterChainMatch().GetServerNames() {
				served[strings.ToLower(name)] = true
			}
		}
	}
	selected := map[string]bool{}
	for _, name := range proxy.MergedGateway.GetGatewayNames() {
		selected[name] = true
	}
	var warnings []string
	for _, cfg := range configs {
		gw, ok := cfg.Spec.(*istioapinetworkingv1alpha3.Gateway)
		if !ok || cfg.GroupVersionKind.Group != gvk.Gateway.Group || !selected[cfg.Namespace+"/"+cfg.Name] {
			continue
		}
		for _, srv := range gw.GetServers() {
			if srv.GetTls() == nil || srv.GetTls().GetHttpsRedirect() {
				continue
			}
			for _, host := range srv.GetHosts() {
				if _, h, ok := strings.Cut(host, "/"); ok {
					host = h
				}
				if host != "*" && !served[strings.ToLower(host)] {
					warnings = append(warnings, fmt.Sprintf("no filter chain serves host %s of server %q (port %d) of Gateway %s/%s", host, srv.GetName(), srv.GetPort().GetNumber(), cfg.Namespace, cfg.Name))
				}
			}
		}
	}
	return warnings
}

// configPatches counts the patches of an EnvoyFilter that pilot takes up: those with a patch.
func configPatches(cfg config.Config) int {
	spec, ok := cfg.Spec.(*istioapinetworkingv1alpha3.EnvoyFilter)
	if !ok {
		return 0
	}
	count := 0
	for _, p := range spec.GetConfigPatches() {
		if p.GetPatch() != nil {
			count++
		}
	}
	return count
}
