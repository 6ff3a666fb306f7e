// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
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
	filters          []*istionetworkingv1alpha3.EnvoyFilter
}

func (s *shootUnderTest) hasACL() bool { return s.providerConfig != "" }

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
	// seedObjects are what gardener's code produced for the seed and its shoots.
	seedObjects []client.Object
	// objects are the seed's objects and the shoots' EnvoyFilters, as pilot reads them.
	objects []runtime.Object
	// configs are pilot's output per ingress namespace.
	configs map[string]*pilot.Config
}

// defaultGateway is the seed's default ingress gateway, which serves the wildcard and observability hosts.
func (s *seedUnderTest) defaultGateway() gardenerseed.IngressGateway { return s.gateways[0] }

func (s *seedUnderTest) shoot(role string) *shootUnderTest {
	i := slices.IndexFunc(s.shoots, func(shoot *shootUnderTest) bool { return shoot.role == role })
	ExpectWithOffset(1, i).NotTo(BeNumerically("<", 0), "no shoot "+role)
	return s.shoots[i]
}

// buildSeed produces the seed's and the shoots' objects with gardener's code, renders each ACL shoot's EnvoyFilters
// as the controller does, and generates the configuration of every ingress gateway of the seed with pilot.
func buildSeed(seed gardenerseed.Seed, shoots ...matrixShoot) *seedUnderTest {
	ctx, cancel := context.WithTimeout(context.Background(), fixtureTimeout*time.Duration(1+2*len(shoots)))
	defer cancel()

	objects, err := gardenerseed.Istio(ctx, seed)
	Expect(err).NotTo(HaveOccurred())
	under := &seedUnderTest{seed: seed, gateways: seed.IngressGateways()}
	for _, shoot := range shoots {
		controlPlane, err := gardenerseed.ControlPlane(ctx, seed, shoot.spec)
		Expect(err).NotTo(HaveOccurred(), shoot.role)
		objects = append(objects, controlPlane...)
		gateway, err := gardenerseed.ShootIngressGateway(ctx, seed, shoot.spec)
		Expect(err).NotTo(HaveOccurred(), shoot.role)
		under.shoots = append(under.shoots, &shootUnderTest{matrixShoot: shoot, technicalID: shoot.spec.TechnicalID(), apiServerGateway: gateway})
	}
	under.seedObjects = objects
	under.generate()
	return under
}

// withShoot returns the seed with one shoot's rules and egress replaced: the same gardener objects (whose certificates
// differ on every build), the shoots' filters rendered anew and pilot's configuration generated anew.
func (s *seedUnderTest) withShoot(role, providerConfig string, egress []string) *seedUnderTest {
	changed := &seedUnderTest{seed: s.seed, gateways: s.gateways, seedObjects: s.seedObjects}
	for _, shoot := range s.shoots {
		copied := *shoot
		if copied.role == role {
			copied.providerConfig, copied.egress = providerConfig, egress
		}
		changed.shoots = append(changed.shoots, &copied)
	}
	changed.generate()
	return changed
}

// generate renders every ACL shoot's filters from the whole seed, as each shoot's reconcile sees it, and generates the
// configuration of every ingress gateway with pilot.
func (s *seedUnderTest) generate() {
	s.objects, s.configs = nil, map[string]*pilot.Config{}
	for _, shoot := range s.shoots {
		shoot.filters = nil
		if shoot.hasACL() {
			shoot.filters = renderACLFilters(s.seed, shoot, s.seedObjects)
		}
	}

	for _, obj := range s.seedObjects {
		s.objects = append(s.objects, obj)
	}
	for _, shoot := range s.shoots {
		for _, f := range shoot.filters {
			s.objects = append(s.objects, f)
		}
	}
	for _, gateway := range s.gateways {
		config, err := pilot.Generate(s.objects, pilot.Gateway{Namespace: gateway.Namespace, Labels: gateway.Labels})
		Expect(err).NotTo(HaveOccurred(), gateway.Namespace)
		// Without gardener's mesh configuration chains exist that would not on a seed, and the other way round.
		Expect(config.MeshConfig).To(Equal("istio-system/istio"), gateway.Namespace)
		s.configs[gateway.Namespace] = config
	}
}

// renderACLFilters is the controller's reconcile of one shoot: validate the rules, build the render input from the
// seed's objects with the controller's function (exposure.BuildRenderInput) and render.
func renderACLFilters(seed gardenerseed.Seed, shoot *shootUnderTest, objects []client.Object) []*istionetworkingv1alpha3.EnvoyFilter {
	validated := validation.ValidateProviderConfig([]byte(shoot.providerConfig), nil, field.NewPath("spec", "providerConfig"), validation.DefaultLimits())
	Expect(validated.Errors).To(BeEmpty(), shoot.role)

	built, err := exposure.BuildRenderInput(shoot.technicalID, validated.Policy, exposure.Sources{Seed: seed.Object(), Shoot: shootWithEgress(seed, shoot)}, exposureObjects(shoot.technicalID, objects))
	Expect(err).NotTo(HaveOccurred(), shoot.role)
	Expect(built.AlwaysAllowed.EgressUnknown).To(BeFalse(), shoot.role)

	filters, err := envoyfilter.Render(built.Input)
	Expect(err).NotTo(HaveOccurred(), shoot.role)
	return filters
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
