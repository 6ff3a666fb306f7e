// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	"cmp"
	"context"
	"slices"
	"time"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

// The matrix runs the controller's pipeline (pkg/controller/actuator.go: reconcile, renderInput, exposureObjects) on
// objects that gardener v1.150's own code produced (test/gardenerseed), then istio's pilot on the result.

// fixtureTimeout bounds a gardenerseed call: gardener's components retry for minutes when something they wait for
// never happens, and a spec should fail instead.
const fixtureTimeout = time.Minute

// matrixShoot is a shoot of a matrix scenario: gardenerseed's description, its ACL rules and the addresses gardener
// reports for its nodes.
type matrixShoot struct {
	// role names the shoot in verdicts: protected, second or open.
	role string
	spec gardenerseed.Shoot
	// providerConfig is the JSON of the acl extension's providerConfig; empty for a shoot without the extension.
	providerConfig string
	// egress are the shoot's egress CIDRs (Shoot status.networking.egressCIDRs, from its Infrastructure).
	egress []string
}

// shootUnderTest is a matrix shoot placed on a seed: where gardener exposes it and the EnvoyFilters the controller
// renders for it (none without the extension).
type shootUnderTest struct {
	matrixShoot
	technicalID string
	// apiServerGateway is the ingress gateway of its kube-apiserver Gateway (gardenerseed.ShootIngressGateway).
	apiServerGateway gardenerseed.IngressGateway
	// controlPlane are the objects gardener's code produced for its control plane (gardenerseed.ControlPlane).
	controlPlane []client.Object
	// filters are its own EnvoyFilters (envoyfilter.Name), one per ingress gateway that serves it; the shared
	// listeners' are the seed's.
	filters []*istionetworkingv1alpha3.EnvoyFilter
	// admitsAs names the role whose sources the shoot admits when it has another role's rules and networks; empty:
	// its own role's.
	admitsAs string
	// audited is set when its rules are in Audit mode (policy.Policy.Audited): its paths admit everybody, and the
	// shadow evaluation must decide what enforcing would.
	audited bool
}

func (s *shootUnderTest) hasACL() bool { return s.providerConfig != "" }

// rulesOf is the role whose admitted sources (source.admitted) the shoot admits.
func (s *shootUnderTest) rulesOf() string { return cmp.Or(s.admitsAs, s.role) }

// statPrefix is the stat prefix of the shoot's RBAC filters (envoyfilter.Render), by which they are counted.
func (s *shootUnderTest) statPrefix() string { return "acl_" + s.technicalID + "_" }

// filterIn returns the shoot's EnvoyFilter in an ingress namespace, nil if it has none there.
func (s *shootUnderTest) filterIn(namespace string) *istionetworkingv1alpha3.EnvoyFilter {
	for _, f := range s.filters {
		if f.Namespace == namespace {
			return f
		}
	}
	return nil
}

// seedUnderTest is a seed with its shoots, our EnvoyFilters among its objects, and what pilot generates for each of
// its ingress gateways.
type seedUnderTest struct {
	seed     gardenerseed.Seed
	gateways []gardenerseed.IngressGateway
	shoots   []*shootUnderTest
	// istio are what gardener's code produced for the seed itself; each shoot holds its own control plane's objects.
	istio []client.Object
	// additional are the operator's --additional-allowed-cidrs, which every ACL shoot of the seed always admits.
	additional []string
	// layout is how the shared listeners enforce the ACL shoots' rules; the zero value is the switched seed.
	layout sharedLayout
	// shared are the shared listeners' EnvoyFilters (envoyfilter.RenderShared's), none in the inline layout.
	shared []*istionetworkingv1alpha3.EnvoyFilter
	// objects are the seed's objects and our EnvoyFilters, as pilot reads them.
	objects []runtime.Object
	// configs are pilot's output per ingress namespace.
	configs map[string]*pilot.Config
}

// sharedLayout is how the shared listeners (8443, 8132) of a seed's gateways enforce the ACL shoots' rules: the steps
// of switching a seed from each shoot's inline filter to the shared slots (issue #12).
type sharedLayout int

const (
	// slotsOnly is the switched seed: envoyfilter.RenderSeed, the slots of RenderShared and no inline filter.
	slotsOnly sharedLayout = iota
	// inlineOnly is the seed before the switch: every shoot's own HTTP RBAC filter in the shared listeners
	// (Gateway.InlineSharedListeners on every gateway) and no slot.
	inlineOnly
	// switching is the seed while gardener-resource-manager applies the slots: both.
	switching
)

func (l sharedLayout) String() string {
	return [...]string{"slots only", "inline only", "inline and slots"}[l]
}

// defaultGateway is the seed's default ingress gateway, which serves the wildcard and observability hosts.
func (s *seedUnderTest) defaultGateway() gardenerseed.IngressGateway { return s.gateways[0] }

func (s *seedUnderTest) shoot(role string) *shootUnderTest {
	i := slices.IndexFunc(s.shoots, func(shoot *shootUnderTest) bool { return shoot.role == role })
	ExpectWithOffset(1, i).NotTo(BeNumerically("<", 0), "no shoot "+role)
	return s.shoots[i]
}

// gardenerObjects are what gardener's code produced for the seed and the shoots it holds.
func (s *seedUnderTest) gardenerObjects() []client.Object {
	objects := slices.Clone(s.istio)
	for _, shoot := range s.shoots {
		objects = append(objects, shoot.controlPlane...)
	}
	return objects
}

// buildSeed produces the seed's and the shoots' objects with gardener's code, renders the ACL shoots' EnvoyFilters
// as the controller does on a switched seed (envoyfilter.RenderSeed), and generates the configuration of every ingress
// gateway of the seed with pilot.
func buildSeed(seed gardenerseed.Seed, shoots ...matrixShoot) *seedUnderTest {
	ctx, cancel := context.WithTimeout(context.Background(), fixtureTimeout*time.Duration(1+2*len(shoots)))
	defer cancel()

	objects, err := gardenerseed.Istio(ctx, seed)
	Expect(err).NotTo(HaveOccurred())
	under := &seedUnderTest{seed: seed, gateways: seed.IngressGateways(), istio: objects}
	for _, shoot := range shoots {
		controlPlane, err := gardenerseed.ControlPlane(ctx, seed, shoot.spec)
		Expect(err).NotTo(HaveOccurred(), shoot.role)
		gateway, err := gardenerseed.ShootIngressGateway(ctx, seed, shoot.spec)
		Expect(err).NotTo(HaveOccurred(), shoot.role)
		under.shoots = append(under.shoots, &shootUnderTest{matrixShoot: shoot, technicalID: shoot.spec.TechnicalID(), apiServerGateway: gateway, controlPlane: controlPlane})
	}
	under.generate()
	return under
}

// withShoot returns the seed with one shoot's rules and egress replaced (an empty providerConfig removes its ACL).
func (s *seedUnderTest) withShoot(role, providerConfig string, egress []string) *seedUnderTest {
	return s.changed(func(changed *seedUnderTest) {
		shoot := changed.shoot(role)
		shoot.providerConfig, shoot.egress = providerConfig, egress
	})
}

// changed returns a copy of the seed, changed by change, with the shoots' filters rendered anew and pilot's
// configuration generated anew. The copy keeps gardener's objects (whose certificates differ on every build), so
// what differs between the two is what the change made differ.
func (s *seedUnderTest) changed(change func(*seedUnderTest)) *seedUnderTest {
	changed := &seedUnderTest{seed: s.seed, gateways: s.gateways, istio: s.istio, additional: slices.Clone(s.additional), layout: s.layout}
	for _, shoot := range s.shoots {
		copied := *shoot
		changed.shoots = append(changed.shoots, &copied)
	}
	change(changed)
	changed.generate()
	return changed
}

// generate renders every ACL shoot's filters from the whole seed, as each shoot's reconcile sees it, and the shared
// listeners' in the seed's layout, and generates the configuration of every ingress gateway with pilot.
func (s *seedUnderTest) generate() {
	gardener := s.gardenerObjects()
	var inputs []envoyfilter.Input
	owners := map[string]*shootUnderTest{}
	for _, shoot := range s.shoots {
		shoot.filters = nil
		shoot.audited = false
		if shoot.hasACL() {
			input := renderInput(s, shoot, gardener)
			shoot.audited = input.Policy.Audited()
			inputs = append(inputs, input)
			owners[envoyfilter.Name(shoot.technicalID)] = shoot
		}
	}
	s.shared = nil
	var deployments []appsv1.Deployment
	var gateways []*istionetworkingv1beta1.Gateway
	for _, obj := range s.istio {
		switch typed := obj.(type) {
		case *appsv1.Deployment:
			deployments = append(deployments, *typed)
		case *istionetworkingv1beta1.Gateway:
			gateways = append(gateways, typed)
		}
	}
	for _, filter := range renderLayout(s.layout, exposure.IngressGateways(deployments, gateways), inputs) {
		if owner, ok := owners[filter.Name]; ok {
			owner.filters = append(owner.filters, filter)
			continue
		}
		Expect(sharedFilterNames()).To(ContainElement(filter.Name), "an EnvoyFilter of no shoot is one of the shared listeners'")
		s.shared = append(s.shared, filter)
	}

	s.objects, s.configs = nil, map[string]*pilot.Config{}
	for _, obj := range gardener {
		s.objects = append(s.objects, obj)
	}
	for _, shoot := range s.shoots {
		for _, f := range shoot.filters {
			s.objects = append(s.objects, f)
		}
	}
	for _, f := range s.shared {
		s.objects = append(s.objects, f)
	}
	for _, gateway := range s.gateways {
		config, err := pilot.Generate(s.objects, pilot.Gateway{Namespace: gateway.Namespace, Labels: gateway.Labels})
		Expect(err).NotTo(HaveOccurred(), gateway.Namespace)
		// Without gardener's mesh configuration chains exist that would not on a seed, and the other way round.
		Expect(config.MeshConfig).To(Equal("istio-system/istio"), gateway.Namespace)
		s.configs[gateway.Namespace] = config
	}
}

// renderLayout renders the EnvoyFilters of the ACL shoots in a layout: RenderSeed, with the slots on every ingress
// gateway of the seed, once switched; before, each shoot's Render with InlineSharedListeners on every gateway, and
// while switching, those and RenderShared's slots.
func renderLayout(layout sharedLayout, gateways []envoyfilter.Gateway, inputs []envoyfilter.Input) []*istionetworkingv1alpha3.EnvoyFilter {
	if layout == slotsOnly {
		filters, err := envoyfilter.RenderSeed(gateways, inputs...)
		Expect(err).NotTo(HaveOccurred())
		return filters
	}
	var filters []*istionetworkingv1alpha3.EnvoyFilter
	shared := envoyfilter.SharedGateways{}
	for _, gateway := range gateways {
		shared.AddGateway(gateway)
	}
	for _, input := range inputs {
		inline := input
		inline.Gateways = slices.Clone(input.Gateways)
		for i := range inline.Gateways {
			inline.Gateways[i].InlineSharedListeners = true
		}
		own, err := envoyfilter.Render(inline)
		Expect(err).NotTo(HaveOccurred(), input.TechnicalID)
		filters = append(filters, own...)
		shared.Add(input)
	}
	if layout == switching {
		slots, err := shared.Render()
		Expect(err).NotTo(HaveOccurred())
		filters = append(filters, slots...)
	}
	return filters
}

// sharedFilterNames are the names of the shared listeners' and chains' EnvoyFilters: the insertion of the slot
// filters and the configuration of each slot.
func sharedFilterNames() []string {
	names := []string{envoyfilter.SharedFiltersName}
	for _, listener := range sharedListeners {
		for _, slot := range envoyfilter.SharedSlots() {
			names = append(names, envoyfilter.SharedFilterName(listener.port, slot))
		}
	}
	for shard := range envoyfilter.SharedSNIShards {
		names = append(names, envoyfilter.SharedSNIFilterName(shard))
	}
	return names
}

// renderInput is the controller's reconcile of one shoot up to rendering: validate the rules and build the render
// input from the seed's objects with the controller's function (exposure.BuildRenderInput).
func renderInput(s *seedUnderTest, shoot *shootUnderTest, objects []client.Object) envoyfilter.Input {
	validated := validation.ValidateProviderConfig([]byte(shoot.providerConfig), nil, field.NewPath("spec", "providerConfig"), validation.DefaultLimits())
	Expect(validated.Errors).To(BeEmpty(), shoot.role)

	sources := exposure.Sources{Seed: s.seed.Object(), Shoot: shootWithEgress(s.seed, shoot), Additional: s.additional}
	built, err := exposure.BuildRenderInput(shoot.technicalID, validated.Policy, sources, exposureObjects(shoot.technicalID, objects))
	Expect(err).NotTo(HaveOccurred(), shoot.role)
	Expect(built.AlwaysAllowed.EgressUnknown).To(BeFalse(), shoot.role)
	return built.Input
}

// shootWithEgress is the Shoot as the Cluster resource holds it once gardener reported its egress CIDRs.
func shootWithEgress(seed gardenerseed.Seed, shoot *shootUnderTest) *gardencorev1beta1.Shoot {
	object := shoot.spec.Object(seed)
	object.Status.Networking = &gardencorev1beta1.NetworkingStatus{EgressCIDRs: shoot.egress}
	return object
}

// exposureObjects selects what the controller lists (actuator.exposureObjects): Gateways of the control plane and
// garden namespaces, VirtualServices and Ingresses of the control plane namespace, and the Deployments, Services and
// EnvoyFilters labelled as istio ingress gateway objects in any namespace.
func exposureObjects(controlPlaneNamespace string, objects []client.Object) exposure.Objects {
	result := exposure.Objects{ControlPlaneNamespace: controlPlaneNamespace}
	for _, gateway := range gardenerseed.OfType[*istionetworkingv1beta1.Gateway](objects) {
		if gateway.Namespace == controlPlaneNamespace || gateway.Namespace == v1beta1constants.GardenNamespace {
			result.Gateways = append(result.Gateways, gateway)
		}
	}
	for _, virtualService := range gardenerseed.OfType[*istionetworkingv1beta1.VirtualService](objects) {
		if virtualService.Namespace == controlPlaneNamespace {
			result.VirtualServices = append(result.VirtualServices, virtualService)
		}
	}
	for _, ingress := range gardenerseed.OfType[*networkingv1.Ingress](objects) {
		if ingress.Namespace == controlPlaneNamespace {
			result.Ingresses = append(result.Ingresses, *ingress)
		}
	}
	for _, deployment := range gardenerseed.OfType[*appsv1.Deployment](objects) {
		if exposure.IsIngressGatewayObject(deployment.Labels) {
			result.IngressDeployments = append(result.IngressDeployments, *deployment)
		}
	}
	for _, service := range gardenerseed.OfType[*corev1.Service](objects) {
		if exposure.IsIngressGatewayObject(service.Labels) {
			result.IngressServices = append(result.IngressServices, *service)
		}
	}
	for _, filter := range gardenerseed.OfType[*istionetworkingv1alpha3.EnvoyFilter](objects) {
		if exposure.IsIngressGatewayObject(filter.Labels) {
			result.IngressEnvoyFilters = append(result.IngressEnvoyFilters, filter)
		}
	}
	return result
}
