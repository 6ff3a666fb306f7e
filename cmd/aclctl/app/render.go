// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gardener/gardener/pkg/apis/core"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	"github.com/spf13/cobra"
	istionetworkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
)

var seedObjectDecoder runtime.Decoder

func init() {
	scheme := runtime.NewScheme()
	utilruntime.Must(gardencorev1beta1.AddToScheme(scheme))
	utilruntime.Must(extensionsv1alpha1.AddToScheme(scheme))
	utilruntime.Must(istionetworkingv1.AddToScheme(scheme))
	utilruntime.Must(istionetworkingv1beta1.AddToScheme(scheme))
	utilruntime.Must(istionetworkingv1alpha3.AddToScheme(scheme))
	utilruntime.Must(appsv1.AddToScheme(scheme))
	utilruntime.Must(corev1.AddToScheme(scheme))
	utilruntime.Must(networkingv1.AddToScheme(scheme))
	seedObjectDecoder = serializer.NewCodecFactory(scheme).UniversalDeserializer()
}

func newRenderCommand(limits *validation.Limits) *cobra.Command {
	var additional []string
	command := &cobra.Command{
		Use:   "render FILE...",
		Short: "Print the EnvoyFilters the seed controller creates for a shoot",
		Long: `render reads Kubernetes objects from YAML files: the Shoot (with its status), the Seed, and optionally the
shoot's Infrastructure, the istio Gateways and VirtualServices of its control plane namespace, the Gateways of the
garden namespace, the Ingresses of its control plane namespace, the Deployments, Services and EnvoyFilters of the
seed's istio ingress gateways and the seed's kube-system/shoot-info ConfigMap. It prints, as multi-document YAML, the
EnvoyFilters for that shoot, computed by the same code as the controller. Findings and warnings go to standard error.`,
		Example: `  kubectl get shoot my-shoot -o yaml > shoot.yaml
  kubectl get seed my-seed -o yaml > seed.yaml
  kubectl -n shoot--dev--my-shoot get gateways.networking.istio.io,virtualservices.networking.istio.io,ingresses -o yaml > gateways.yaml
  kubectl -n garden get gateways.networking.istio.io -o yaml > observability.yaml
  kubectl get deployments,services,envoyfilters.networking.istio.io -A -l app=istio-ingressgateway -o yaml > ingress.yaml
  aclctl render shoot.yaml seed.yaml gateways.yaml observability.yaml ingress.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(command *cobra.Command, args []string) error {
			objects, err := readObjects(args)
			if err != nil {
				return err
			}
			return render(command.OutOrStdout(), command.ErrOrStderr(), objects, *limits, additional)
		},
	}
	command.Flags().StringSliceVar(&additional, "additional-allowed-cidrs", nil, "CIDRs that always reach every control plane, as configured on the controller")
	return command
}

// seedObjects are the objects render reads.
type seedObjects struct {
	shoot          *gardencorev1beta1.Shoot
	seed           *gardencorev1beta1.Seed
	infrastructure *extensionsv1alpha1.Infrastructure
	shootInfo      *corev1.ConfigMap
	exposure       exposure.Objects
}

func render(out, errOut io.Writer, objects *seedObjects, limits validation.Limits, additional []string) error {
	if objects.shoot == nil || objects.seed == nil {
		return fmt.Errorf("render needs the Shoot and the Seed")
	}
	internalShoot := &core.Shoot{}
	if err := shootScheme.Convert(objects.shoot, internalShoot, nil); err != nil {
		return fmt.Errorf("failed to read the Shoot: %w", err)
	}
	raw, root, err := (&input{shoot: internalShoot}).aclConfig()
	if err != nil {
		return err
	}
	result := validation.ValidateProviderConfig(raw, nil, root, limits)
	if err := printFindings(errOut, result.Errors, result.Warnings); err != nil {
		return err
	}

	technicalID := objects.shoot.Status.TechnicalID
	if technicalID == "" {
		return fmt.Errorf("the Shoot %s/%s has no status.technicalID: export it with its status", objects.shoot.Namespace, objects.shoot.Name)
	}

	alwaysAllowed, err := exposure.ReadAlwaysAllowed(exposure.Sources{
		Seed: objects.seed, Shoot: objects.shoot, Infrastructure: objects.infrastructure, SeedShootInfo: objects.shootInfo, Additional: additional,
	})
	if err != nil {
		return err
	}
	if alwaysAllowed.EgressUnknown {
		fmt.Fprintln(errOut, "WARNING the shoot has workers but no egress CIDRs are known: its nodes may be locked out unless the rules allow them")
	}
	exposureObjects := objects.exposure
	exposureObjects.ControlPlaneNamespace = technicalID
	found, err := exposure.Find(exposureObjects)
	if err != nil {
		return err
	}
	if len(found.ClientAddressesHidden) > 0 {
		fmt.Fprintf(errOut, "WARNING the ingress gateways %v cannot see client addresses (externalTrafficPolicy Cluster without PROXY protocol): the rules do not restrict clients that come through them\n", found.ClientAddressesHidden)
	}

	filters, err := envoyfilter.Render(envoyfilter.Input{
		TechnicalID: technicalID, Policy: result.Policy, AlwaysAllowed: alwaysAllowed.Prefixes, Gateways: found.Gateways, SharedSNIHosts: found.SharedSNIHosts,
	})
	if err != nil {
		return err
	}
	for _, filter := range filters {
		raw, err := yaml.Marshal(filter)
		if err != nil {
			return fmt.Errorf("failed to print EnvoyFilter %s/%s: %w", filter.Namespace, filter.Name, err)
		}
		fmt.Fprintf(out, "---\n%s", raw)
	}
	return nil
}

// readObjects reads every YAML document of the files (lists are expanded) and keeps the kinds render uses.
func readObjects(files []string) (*seedObjects, error) {
	objects := &seedObjects{}
	for _, name := range files {
		data, err := os.ReadFile(name) // #nosec G304 -- reading the files named on the command line is the point
		if err != nil {
			return nil, fmt.Errorf("failed to read %s: %w", name, err)
		}
		reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for {
			document, err := reader.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("failed to read a YAML document of %s: %w", name, err)
			}
			if len(bytes.TrimSpace(document)) == 0 {
				continue
			}
			if err := objects.add(document); err != nil {
				return nil, fmt.Errorf("failed to decode an object of %s: %w", name, err)
			}
		}
	}
	return objects, nil
}

func (o *seedObjects) add(document []byte) error {
	object, _, err := seedObjectDecoder.Decode(document, nil, nil)
	if err != nil {
		return err
	}
	return o.addObject(object)
}

func (o *seedObjects) addObject(object runtime.Object) error {
	if list, ok := object.(*corev1.List); ok {
		for _, item := range list.Items {
			if err := o.add(item.Raw); err != nil {
				return err
			}
		}
		return nil
	}
	if meta.IsListType(object) {
		items, err := meta.ExtractList(object)
		if err != nil {
			return fmt.Errorf("failed to read the items of a %T: %w", object, err)
		}
		for _, item := range items {
			if err := o.addObject(item); err != nil {
				return err
			}
		}
		return nil
	}
	if accessor, err := meta.Accessor(object); err == nil {
		switch object.(type) {
		case *appsv1.Deployment, *corev1.Service, *istionetworkingv1alpha3.EnvoyFilter:
			// As the controller reads them: only the ingress gateways' own objects.
			if !exposure.IsIngressGatewayObject(accessor.GetLabels()) {
				return nil
			}
		}
	}

	switch typed := object.(type) {
	case *gardencorev1beta1.Shoot:
		o.shoot = typed
	case *gardencorev1beta1.Seed:
		o.seed = typed
	case *extensionsv1alpha1.Infrastructure:
		o.infrastructure = typed
	case *istionetworkingv1beta1.Gateway:
		o.exposure.Gateways = append(o.exposure.Gateways, typed)
	case *istionetworkingv1.Gateway:
		// Every served version of istio's networking API shares one schema (istio.io/api's v1 and v1beta1 types are
		// aliases of v1alpha3), and kubectl prints the preferred one, v1.
		gateway := &istionetworkingv1beta1.Gateway{ObjectMeta: typed.ObjectMeta}
		typed.Spec.DeepCopyInto(&gateway.Spec)
		o.exposure.Gateways = append(o.exposure.Gateways, gateway)
	case *istionetworkingv1beta1.VirtualService:
		o.exposure.VirtualServices = append(o.exposure.VirtualServices, typed)
	case *istionetworkingv1.VirtualService:
		virtualService := &istionetworkingv1beta1.VirtualService{ObjectMeta: typed.ObjectMeta}
		typed.Spec.DeepCopyInto(&virtualService.Spec)
		o.exposure.VirtualServices = append(o.exposure.VirtualServices, virtualService)
	case *istionetworkingv1alpha3.EnvoyFilter:
		o.exposure.IngressEnvoyFilters = append(o.exposure.IngressEnvoyFilters, typed)
	case *networkingv1.Ingress:
		o.exposure.Ingresses = append(o.exposure.Ingresses, *typed)
	case *appsv1.Deployment:
		o.exposure.IngressDeployments = append(o.exposure.IngressDeployments, *typed)
	case *corev1.Service:
		o.exposure.IngressServices = append(o.exposure.IngressServices, *typed)
	case *corev1.ConfigMap:
		if typed.Name == "shoot-info" {
			o.shootInfo = typed
		}
	}
	return nil
}
