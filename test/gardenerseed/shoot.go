// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed

import (
	"context"
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"

	gardenletconfigv1alpha1 "github.com/gardener/gardener/pkg/apis/config/gardenlet/v1alpha1"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	fakekubernetes "github.com/gardener/gardener/pkg/client/kubernetes/fake"
	gardenerextensions "github.com/gardener/gardener/pkg/extensions"
	"github.com/gardener/gardener/pkg/gardenlet/operation"
	"github.com/gardener/gardener/pkg/gardenlet/operation/botanist"
	"github.com/gardener/gardener/pkg/gardenlet/operation/garden"
	seedpkg "github.com/gardener/gardener/pkg/gardenlet/operation/seed"
	shootpkg "github.com/gardener/gardener/pkg/gardenlet/operation/shoot"
	gardenerutils "github.com/gardener/gardener/pkg/utils/gardener"
	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	fakeclient "sigs.k8s.io/controller-runtime/pkg/client/fake"
)

// Defaults of a Shoot whose fields are left empty.
const (
	// DefaultProject is the shoot's project.
	DefaultProject = "dev"
	// DefaultShootName is the shoot's name.
	DefaultShootName = "web"
	// DefaultDomainSuffix is the garden's default domain: the shoot's external domain is
	// <name>.<project>.<DefaultDomainSuffix> unless Shoot.Domain says otherwise.
	DefaultDomainSuffix = "shoots.example.com"
	// DefaultInternalDomain is the garden's internal domain; the shoot's internal domain is
	// <name>.<project>.internal.<DefaultInternalDomain> (gardenerutils.ConstructInternalClusterDomain).
	DefaultInternalDomain = "example.com"
	// DefaultShootKubernetesVersion is the shoot's Kubernetes version.
	DefaultShootKubernetesVersion = "1.34.0"
	// IngressLoadBalancerIP is the load balancer address of the seed's istio ingress gateways that the fixture's
	// stand-in for the cloud provider reports.
	IngressLoadBalancerIP = "192.0.2.10"
	// DefaultAPIServerClusterIP is the cluster IP the seed's API server allocates to the shoot's kube-apiserver
	// Service. gardenlet maps it into 240.0.0.0/8 for the apiserver-proxy (setAPIServerServiceClusterIPs).
	DefaultAPIServerClusterIP = "10.0.0.10"
)

// Shoot describes a shoot whose control plane objects ControlPlane produces.
type Shoot struct {
	// Project is the shoot's project; DefaultProject when empty.
	Project string
	// Name is the shoot's name; DefaultShootName when empty.
	Name string
	// Domain is the shoot's external domain (spec.dns.domain); <name>.<project>.DefaultDomainSuffix when empty.
	// The garden serves it as a default domain, so gardenlet treats it as managed DNS.
	Domain string
	// WithoutDomain leaves spec.dns.domain unset: the kube-apiserver is only reachable under the internal domain and
	// the wildcard host.
	WithoutDomain bool
	// InternalDomain is the garden's internal domain; DefaultInternalDomain when empty.
	InternalDomain string
	// ExposureClassHandler is the handler of the shoot's ExposureClass; the seed must have a handler of that name.
	ExposureClassHandler string
	// Zone pins the control plane to one of the seed's zones (spec.controlPlane.zones). On a seed with more than one
	// zone a shoot that is neither pinned nor highly available gets a zone picked by gardenlet; the fixture then pins
	// it to the seed's first zone so the result is deterministic.
	Zone string
	// HighAvailability makes the control plane highly available across zones (failure tolerance type zone); the
	// seed needs three zones. Such shoots use the non-zonal ingress gateway and the highly available VPN.
	HighAvailability bool
	// DisableIstioTLSTermination annotates the shoot with shoot.gardener.cloud/disable-istio-tls-termination=true, the
	// per-shoot opt-out of Istio TLS termination.
	DisableIstioTLSTermination bool
	// Purpose is the shoot's purpose; evaluation when empty. Shoots with purpose testing get no observability
	// components.
	Purpose gardencorev1beta1.ShootPurpose
	// Alertmanager gives the shoot alert email receivers (spec.monitoring.alerting.emailReceivers), so gardenlet
	// deploys the shoot's alertmanager with its ingress host au-<shortID>.
	Alertmanager bool
	// Logging enables gardenlet's shoot logging (gardenlet configuration logging.enabled): vali and the
	// OpenTelemetry collector with their ingress hosts v-<shortID> and otc-<shortID>.
	Logging bool
	// NodeLogging enables shoot node logging for the shoot's purpose (logging.shootNodeLogging.shootPurposes).
	NodeLogging bool
	// KubernetesVersion is the shoot's Kubernetes version; DefaultShootKubernetesVersion when empty.
	KubernetesVersion string
	// APIServerClusterIP is the seed-side cluster IP of the kube-apiserver Service; DefaultAPIServerClusterIP when
	// empty.
	APIServerClusterIP string
	// Mutate, when set, changes the Shoot resource after the fixture built it.
	Mutate func(*gardencorev1beta1.Shoot)
}

func (s Shoot) project() string {
	if s.Project != "" {
		return s.Project
	}
	return DefaultProject
}

func (s Shoot) name() string {
	if s.Name != "" {
		return s.Name
	}
	return DefaultShootName
}

func (s Shoot) domain() string {
	if s.Domain != "" {
		return s.Domain
	}
	return fmt.Sprintf("%s.%s.%s", s.name(), s.project(), DefaultDomainSuffix)
}

func (s Shoot) internalDomain() string {
	if s.InternalDomain != "" {
		return s.InternalDomain
	}
	return DefaultInternalDomain
}

// TechnicalID is the shoot's technical ID and control plane namespace, shoot--<project>--<name>
// (gardenerutils.ComputeTechnicalID).
func (s Shoot) TechnicalID() string {
	return gardenerutils.ComputeTechnicalID(s.project(), &gardencorev1beta1.Shoot{ObjectMeta: metav1.ObjectMeta{Name: s.name()}})
}

// technicalIDPattern is gardenlet's pattern for the prefix of a technical ID (pkg/gardenlet/operation/operation.go).
var technicalIDPattern = regexp.MustCompile(fmt.Sprintf("^%s-?", v1beta1constants.TechnicalIDPrefix))

// ShortID is the technical ID without the shoot-- prefix, the part of the shoot's ingress hosts
// <prefix>-<shortID>.<seed ingress domain> (ComputeIngressHost in pkg/gardenlet/operation/operation.go).
func (s Shoot) ShortID() string {
	return technicalIDPattern.ReplaceAllString(s.TechnicalID(), "")
}

// IngressHost returns the host gardenlet computes for prefix (api, gu, p, au, v, otc) on the seed.
func (s Shoot) IngressHost(seed Seed, prefix string) string {
	return fmt.Sprintf("%s-%s.%s", prefix, s.ShortID(), seed.ingressDomain())
}

// InternalAPIServerHost is the host of the kube-apiserver under the internal domain, api.<internal cluster domain>.
func (s Shoot) InternalAPIServerHost() string {
	return "api." + *gardenerutils.ConstructInternalClusterDomain(s.name(), s.project(), &gardenerutils.Domain{Domain: s.internalDomain()})
}

// ExternalAPIServerHost is the host of the kube-apiserver under the external domain, api.<domain>; empty for a shoot
// without domain.
func (s Shoot) ExternalAPIServerHost() string {
	if s.WithoutDomain {
		return ""
	}
	return "api." + s.domain()
}

// uid derives a stable UID from a name, so repeated runs produce identical objects.
func uid(name string) types.UID {
	sum := sha256.Sum256([]byte(name))
	return types.UID(fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16]))
}

// zones returns the control plane zones the fixture pins the shoot to.
func (s Shoot) zones(seed Seed) []string {
	switch {
	case s.HighAvailability:
		return nil
	case s.Zone != "":
		return []string{s.Zone}
	case len(seed.Zones) > 0:
		return []string{seed.Zones[0]}
	default:
		return nil
	}
}

// Object returns the Shoot resource, as the garden holds it after scheduling it onto seed.
func (s Shoot) Object(seed Seed) *gardencorev1beta1.Shoot {
	shoot := &gardencorev1beta1.Shoot{
		ObjectMeta: metav1.ObjectMeta{
			Name:      s.name(),
			Namespace: "garden-" + s.project(),
			UID:       uid("shoot/" + s.TechnicalID()),
		},
		Spec: gardencorev1beta1.ShootSpec{
			Kubernetes: gardencorev1beta1.Kubernetes{Version: s.kubernetesVersion()},
			Networking: &gardencorev1beta1.Networking{
				Type:       new("calico"),
				Pods:       new("10.3.0.0/16"),
				Nodes:      new("10.250.0.0/16"),
				Services:   new("10.4.0.0/16"),
				IPFamilies: []gardencorev1beta1.IPFamily{gardencorev1beta1.IPFamilyIPv4},
			},
			Provider: gardencorev1beta1.Provider{
				Type: "local",
				Workers: []gardencorev1beta1.Worker{{
					Name:    "worker",
					Machine: gardencorev1beta1.Machine{Type: "local"},
					Minimum: 1,
					Maximum: 2,
					Zones:   s.zones(seed),
				}},
			},
			Region:   "local",
			SeedName: new(seed.name()),
		},
		Status: gardencorev1beta1.ShootStatus{
			TechnicalID: s.TechnicalID(),
			UID:         uid("shoot/" + s.TechnicalID()),
			SeedName:    new(seed.name()),
		},
	}
	if !s.WithoutDomain {
		shoot.Spec.DNS = &gardencorev1beta1.DNS{Domain: new(s.domain())}
	}
	if s.Purpose != "" {
		shoot.Spec.Purpose = new(s.Purpose)
	}
	if s.ExposureClassHandler != "" {
		shoot.Spec.ExposureClassName = new(s.ExposureClassHandler)
	}
	if zones := s.zones(seed); len(zones) > 0 {
		shoot.Spec.ControlPlane = &gardencorev1beta1.ControlPlane{Zones: zones}
	}
	if s.HighAvailability {
		shoot.Spec.ControlPlane = &gardencorev1beta1.ControlPlane{HighAvailability: &gardencorev1beta1.HighAvailability{
			FailureTolerance: gardencorev1beta1.FailureTolerance{Type: gardencorev1beta1.FailureToleranceTypeZone},
		}}
	}
	if s.Alertmanager {
		shoot.Spec.Monitoring = &gardencorev1beta1.Monitoring{Alerting: &gardencorev1beta1.Alerting{EmailReceivers: []string{"operator@example.com"}}}
	}
	if s.DisableIstioTLSTermination {
		metav1.SetMetaDataAnnotation(&shoot.ObjectMeta, v1beta1constants.ShootDisableIstioTLSTermination, "true")
	}
	if s.Mutate != nil {
		s.Mutate(shoot)
	}
	return shoot
}

func (s Shoot) kubernetesVersion() string {
	if s.KubernetesVersion != "" {
		return s.KubernetesVersion
	}
	return DefaultShootKubernetesVersion
}

func (s Shoot) apiServerClusterIP() string {
	if s.APIServerClusterIP != "" {
		return s.APIServerClusterIP
	}
	return DefaultAPIServerClusterIP
}

// ControlPlane returns the objects gardenlet v1.150 deploys into the seed for the shoot's exposure: the control plane
// Namespace, the kube-apiserver Services, the kube-apiserver Gateway(s), VirtualService(s), DestinationRules and the
// ManagedResource kube-apiserver-sni with its EnvoyFilters in the istio ingress namespace, the vpn-seed-server, the
// observability components (plutono, prometheus, alertmanager and with Logging vali and the OpenTelemetry collector)
// with their Gateways, and the istio-basic-auth-server with its EnvoyFilter. It calls gardenlet's botanist
// (pkg/gardenlet/operation/botanist) with an Operation built from the seed, the shoot and gardenlet's configuration,
// in the order of the shoot reconciliation flow (pkg/gardenlet/controller/shoot/shoot/reconciler_reconcile.go). The
// seed's istio objects are not part of the result; Istio returns them.
func ControlPlane(ctx context.Context, seed Seed, shoot Shoot) ([]client.Object, error) {
	var objects []client.Object
	err := withGlobals(seed.featureGates(), func() error {
		var err error
		objects, err = controlPlane(ctx, seed, shoot)
		return err
	})
	return objects, err
}

func controlPlane(ctx context.Context, seed Seed, shoot Shoot) ([]client.Object, error) {
	technicalID := shoot.TechnicalID()
	inputs := []client.Object{
		// The API server assigns the Namespace's UID; gardener's EnvoyFilters reference it in their owner references.
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: technicalID, UID: uid("namespace/" + technicalID)}},
		// The API server allocates the kube-apiserver Service's cluster IP; gardenlet reads it back after deploying the
		// Service (DefaultKubeAPIServerService → setAPIServerServiceClusterIPs in
		// pkg/gardenlet/operation/botanist/kubeapiserverexposure.go).
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: v1beta1constants.DeploymentNameKubeAPIServer, Namespace: technicalID},
			Spec:       corev1.ServiceSpec{ClusterIP: shoot.apiServerClusterIP(), ClusterIPs: []string{shoot.apiServerClusterIP()}},
		},
		// The kube-apiserver component generates its server certificate (pkg/component/kubernetes/apiserver/secrets.go);
		// the SNI component reads it with secretsmanager.Current for Istio TLS termination.
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "kube-apiserver-current", Namespace: technicalID}},
		// gardener-resource-manager runs in the control plane (pkg/component/gardener/resourcemanager); the logging
		// components check that it is ready (Botanist.IsGardenerResourceManagerReady).
		&appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: v1beta1constants.DeploymentNameGardenerResourceManager, Namespace: technicalID},
			Status:     appsv1.DeploymentStatus{ReadyReplicas: 1},
		},
	}
	if seed.WildcardCertificate {
		// The seed operator provides the wildcard certificate of the ingress domain in the garden namespace
		// (gardenerutils.GetWildcardCertificate).
		inputs = append(inputs, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{
			Name:      "seed-ingress-wildcard",
			Namespace: v1beta1constants.GardenNamespace,
			Labels:    map[string]string{v1beta1constants.GardenRole: v1beta1constants.GardenRoleControlPlaneWildcardCert},
		}})
	}
	env, err := newEnvironment(inputs)
	if err != nil {
		return nil, err
	}

	b, err := newBotanist(ctx, env.client, seed, shoot)
	if err != nil {
		return nil, err
	}
	if err := deployControlPlane(ctx, env, b); err != nil {
		return nil, err
	}
	return env.objects(ctx)
}

// ShootIngressGateway returns the istio ingress gateway gardenlet exposes the shoot's kube-apiserver on: the namespace
// and labels of Operation.IstioNamespace and IstioLabels (pkg/gardenlet/operation/istio_config.go), evaluated after
// gardenlet deployed the control plane namespace with its zones. It is the default gateway, the zonal gateway of the
// zone a single-zone control plane is pinned to on a seed with zonal ingress, or the exposure class handler's (zonal)
// gateway. The wildcard endpoint and the observability endpoints always use the default gateway
// (WildcardIstioNamespace, WildcardIstioLabels), the first of Seed.IngressGateways.
func ShootIngressGateway(ctx context.Context, seed Seed, shoot Shoot) (IngressGateway, error) {
	var gateway IngressGateway
	err := withGlobals(seed.featureGates(), func() error {
		env, err := newEnvironment(nil)
		if err != nil {
			return err
		}
		b, err := newBotanist(ctx, env.client, seed, shoot)
		if err != nil {
			return err
		}
		if err := b.DeployControlPlaneNamespace(ctx); err != nil {
			return fmt.Errorf("failed to deploy the control plane namespace: %w", err)
		}
		gateway = IngressGateway{Namespace: b.IstioNamespace(), Labels: b.IstioLabels()}
		return nil
	})
	return gateway, err
}

// newBotanist builds the Operation gardenlet's shoot reconciler builds (pkg/gardenlet/controller/shoot/shoot/reconciler.go
// initializeOperation): gardenlet's configuration, the garden with project and domains, the seed and the shoot from
// their resources, the seed client and a fake secrets manager.
func newBotanist(ctx context.Context, c client.Client, seed Seed, shoot Shoot) (*botanist.Botanist, error) {
	logging := &gardenletconfigv1alpha1.Logging{Enabled: new(shoot.Logging)}
	if shoot.NodeLogging {
		purpose := gardencorev1beta1.ShootPurposeEvaluation
		if shoot.Purpose != "" {
			purpose = shoot.Purpose
		}
		logging.ShootNodeLogging = &gardenletconfigv1alpha1.ShootNodeLogging{ShootPurposes: []gardencorev1beta1.ShootPurpose{purpose}}
	}
	config := seed.gardenletConfiguration(logging)

	seedObject := seed.Object()
	seedInfo := &seedpkg.Seed{}
	seedInfo.SetInfo(seedObject)

	shootObject := shoot.Object(seed)
	internalDomain := &gardenerutils.Domain{Domain: shoot.internalDomain(), Provider: "local"}
	var defaultDomains []*gardenerutils.Domain
	if !shoot.WithoutDomain {
		_, parent, _ := strings.Cut(shoot.domain(), ".")
		defaultDomains = append(defaultDomains, &gardenerutils.Domain{Domain: parent, Provider: "local"})
	}
	project := &gardencorev1beta1.Project{
		ObjectMeta: metav1.ObjectMeta{Name: shoot.project()},
		Spec:       gardencorev1beta1.ProjectSpec{Namespace: new(shootObject.Namespace)},
	}

	seedClientSet := fakekubernetes.NewClientSetBuilder().
		WithClient(c).
		WithAPIReader(c).
		WithRESTConfig(&rest.Config{Host: "https://api." + seed.name() + ".example.com"}).
		WithVersion(seed.kubernetesVersion()).
		Build()
	gardenClient := fakeclient.NewClientBuilder().WithScheme(kubernetes.GardenScheme).Build()

	shootBuilder := shootpkg.NewBuilder().
		WithShootObject(shootObject).
		WithCloudProfileObject(&gardencorev1beta1.CloudProfile{ObjectMeta: metav1.ObjectMeta{Name: "local"}}).
		WithoutShootCredentials().
		WithProjectName(shoot.project()).
		WithSeedObject(seedObject).
		WithInternalDomain(internalDomain).
		WithDefaultDomains(defaultDomains)
	if shoot.ExposureClassHandler != "" {
		shootBuilder = shootBuilder.WithExposureClassObject(&gardencorev1beta1.ExposureClass{
			ObjectMeta: metav1.ObjectMeta{Name: shoot.ExposureClassHandler},
			Handler:    shoot.ExposureClassHandler,
		})
	}
	shootInfo, err := shootBuilder.Build(ctx, seedClientSet, gardenClient)
	if err != nil {
		return nil, fmt.Errorf("failed to build the shoot as gardenlet does: %w", err)
	}

	return &botanist.Botanist{Operation: &operation.Operation{
		SecretsManager: newSecretsManager(c, shootInfo.ControlPlaneNamespace),
		Clock:          clock.RealClock{},
		Config:         config,
		Logger:         logr.Discard(),
		Garden:         &garden.Garden{Project: project, DefaultDomains: defaultDomains, InternalDomain: internalDomain},
		Seed:           seedInfo,
		Shoot:          shootInfo,
		GardenClient:   gardenClient,
		SeedClientSet:  seedClientSet,
	}}, nil
}

// deployControlPlane runs the botanist steps of the shoot reconciliation flow that create the shoot's exposure and
// ingress objects in the seed (pkg/gardenlet/controller/shoot/shoot/reconciler_reconcile.go), in the flow's order.
func deployControlPlane(ctx context.Context, env *environment, b *botanist.Botanist) error {
	controlPlane := b.Shoot.Components.ControlPlane

	steps := []struct {
		name string
		fn   func() error
	}{
		// The shoot reconciler syncs the Cluster resource before it runs the flow (syncClusterResourceToSeed in
		// pkg/gardenlet/controller/shoot/shoot/reconciler.go).
		{"sync the Cluster resource", func() error {
			return gardenerextensions.SyncClusterResourceToSeed(ctx, b.SeedClientSet.Client(), b.Shoot.ControlPlaneNamespace, b.Shoot.GetInfo(), b.Shoot.CloudProfile, b.Seed.GetInfo())
		}},
		{"deploy the control plane namespace", func() error { return b.DeployControlPlaneNamespace(ctx) }},
		{"provide the istio ingress gateway's load balancer", func() error {
			// The seed's istio ingress Service has a load balancer address from the cloud provider; gardenlet waits for
			// it after deploying the kube-apiserver Service (Service.Wait in
			// pkg/component/kubernetes/apiserverexposure/service.go) and points the shoot's DNS records at it.
			b.Shoot.Components.Extensions.InternalDNSRecord = b.DefaultInternalDNSRecord()
			b.Shoot.Components.Extensions.ExternalDNSRecord = b.DefaultExternalDNSRecord()
			return env.addInputs(ctx, &corev1.Service{
				ObjectMeta: metav1.ObjectMeta{Name: b.IstioServiceName(), Namespace: b.IstioNamespace()},
				Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer},
				Status:     corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: IngressLoadBalancerIP}}}},
			})
		}},
		{"initialize secrets management", func() error { return b.InitializeSecretsManagement(ctx) }},
		{"compute the shoot's networks", func() error {
			networks, err := shootpkg.ToNetworks(b.Shoot.GetInfo(), b.Shoot.IsWorkerless)
			b.Shoot.Networks = networks
			return err
		}},
		{"deploy the kube-apiserver Service", func() error {
			controlPlane.KubeAPIServerService = b.DefaultKubeAPIServerService()
			// Deploying the Service reads back its cluster IP and builds the SNI component
			// (setAPIServerServiceClusterIPs).
			return controlPlane.KubeAPIServerService.Deploy(ctx)
		}},
		{"reconcile the istio internal load balancing ConfigMap", func() error { return b.ReconcileIstioInternalLoadBalancingConfigMap(ctx) }},
		{"deploy the kube-apiserver SNI", func() error { return b.DeployKubeAPIServerSNI(ctx) }},
		{"deploy the vpn-seed-server", func() error {
			vpnSeedServer, err := b.DefaultVPNSeedServer()
			if err != nil || vpnSeedServer == nil {
				return err
			}
			controlPlane.VPNSeedServer = vpnSeedServer
			return b.DeployVPNServer(ctx)
		}},
		{"deploy the logging stack", func() error {
			var err error
			if controlPlane.VictoriaLogs, err = b.DefaultVictoriaLogs(); err != nil {
				return err
			}
			if controlPlane.Vali, err = b.DefaultVali(); err != nil {
				return err
			}
			if controlPlane.OtelCollector, err = b.DefaultOtelCollector(); err != nil {
				return err
			}
			if controlPlane.EventLogger, err = b.DefaultEventLogger(); err != nil {
				return err
			}
			return b.DeployLogging(ctx)
		}},
		{"deploy alertmanager", func() error {
			var err error
			if controlPlane.Alertmanager, err = b.DefaultAlertmanager(); err != nil {
				return err
			}
			return b.DeployAlertManager(ctx)
		}},
		{"deploy prometheus", func() error {
			var err error
			if controlPlane.Prometheus, err = b.DefaultPrometheus(); err != nil {
				return err
			}
			return b.DeployPrometheus(ctx)
		}},
		{"deploy plutono", func() error {
			var err error
			if controlPlane.Plutono, err = b.DefaultPlutono(); err != nil {
				return err
			}
			return b.DeployPlutono(ctx)
		}},
		// The istio-basic-auth-server reads the observability VirtualServices that the environment's stand-in for
		// gardener-resource-manager applied from the ManagedResources above.
		{"deploy the istio-basic-auth-server", func() error {
			var err error
			if controlPlane.IstioBasicAuthServer, err = b.DefaultIstioBasicAuthServer(); err != nil {
				return err
			}
			return controlPlane.IstioBasicAuthServer.Deploy(ctx)
		}},
		// The flow reports the endpoints in the Shoot's status (UpdateAdvertisedAddresses); the shoot reconciler syncs
		// the Shoot into the Cluster resource again on its next run, which the fixture does right away.
		{"advertise the shoot's addresses", func() error {
			addresses, err := b.ToAdvertisedAddresses(ctx)
			if err != nil {
				return err
			}
			shoot := b.Shoot.GetInfo().DeepCopy()
			shoot.Status.AdvertisedAddresses = addresses
			b.Shoot.SetInfo(shoot)
			return gardenerextensions.SyncClusterResourceToSeed(ctx, b.SeedClientSet.Client(), b.Shoot.ControlPlaneNamespace, b.Shoot.GetInfo(), b.Shoot.CloudProfile, b.Seed.GetInfo())
		}},
	}
	for _, step := range steps {
		if err := step.fn(); err != nil {
			return fmt.Errorf("failed to %s: %w", step.name, err)
		}
	}
	return nil
}
