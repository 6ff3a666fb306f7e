// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
)

func newRenderCommand(limits *validation.Limits) *cobra.Command {
	var additional []string
	command := &cobra.Command{
		Use:   "render FILE|DIR|-...",
		Short: "Print the EnvoyFilters the seed controller deploys for shoots",
		Long: `render reads Kubernetes objects from YAML or JSON files, directories and standard input ("-"), with several
documents and Lists as kubectl get -o yaml prints them: one or several Shoots (with their status), the Seed, and
optionally each shoot's Infrastructure, the istio Gateways and VirtualServices (any served version) and the Ingresses
of its control plane namespace, the Gateways of the garden namespace, the Deployments, Services and EnvoyFilters of
the seed's istio ingress gateways and the seed's kube-system/shoot-info ConfigMap. Other kinds are skipped with a
note. It prints, as multi-document YAML, every EnvoyFilter the controller deploys on a seed that holds
just those shoots, built by the same code as the controller (exposure.BuildRenderInput, envoyfilter.RenderSeed): each
shoot's own (acl-<technical ID>, one per ingress gateway) and, per ingress gateway, its shared listeners' (acl-shared
and the slot configurations acl-<port>-f<form>-s<shard>, which hold every given ACL shoot the gateway serves).
Findings and warnings go to standard error, under each shoot's name when there are several; a shoot that no ingress
gateway serves is an error.`,
		Example: `  kubectl get shoot my-shoot -o yaml > shoot.yaml
  kubectl get seed my-seed -o yaml > seed.yaml
  kubectl -n shoot--dev--my-shoot get gateways.networking.istio.io,virtualservices.networking.istio.io,ingresses -o yaml > gateways.yaml
  kubectl -n garden get gateways.networking.istio.io -o yaml > observability.yaml
  kubectl get deployments,services,envoyfilters.networking.istio.io -A -l app=istio-ingressgateway -o yaml > ingress.yaml
  aclctl render shoot.yaml seed.yaml gateways.yaml observability.yaml ingress.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(command *cobra.Command, args []string) error {
			return render(command, args, *limits, additional)
		},
	}
	command.Flags().StringSliceVar(&additional, "additional-allowed-cidrs", nil, "CIDRs that always reach every control plane, as configured on the controller")
	return command
}

func render(command *cobra.Command, args []string, limits validation.Limits, additional []string) error {
	out, errOut := command.OutOrStdout(), command.ErrOrStderr()
	set, err := readInputs(args, command.InOrStdin())
	if err != nil {
		return err
	}
	set.noteSkipped(errOut)
	shoots, err := set.shootInputs()
	if err != nil {
		return err
	}
	inputs := make([]envoyfilter.Input, 0, len(shoots))
	for _, in := range shoots {
		if len(shoots) > 1 {
			// Each shoot's findings and warnings under its name.
			fmt.Fprintf(errOut, "# %s\n", in.describe())
		}
		input, err := renderInput(errOut, set, in, limits, additional)
		if err != nil {
			return err
		}
		inputs = append(inputs, input)
	}
	filters, err := envoyfilter.RenderSeed(exposure.IngressGateways(set.exposure.IngressDeployments, set.exposure.Gateways), inputs...)
	if err != nil {
		return err
	}
	return printFilters(out, filters)
}

// renderInput validates one Shoot's rules as the controller does, prints its findings and warnings, and returns what
// the controller renders for it (exposure.BuildRenderInput).
func renderInput(errOut io.Writer, set *inputSet, in *input, limits validation.Limits, additional []string) (envoyfilter.Input, error) {
	checked, err := set.check(in, limits)
	if err != nil {
		return envoyfilter.Input{}, err
	}
	if err := printFindings(errOut, checked.Errors, checked.Warnings); err != nil {
		return envoyfilter.Input{}, err
	}
	shoot := in.versioned
	if shoot == nil || set.seed == nil {
		return envoyfilter.Input{}, errors.New("render needs the Shoot and the Seed")
	}
	technicalID := shoot.Status.TechnicalID
	if technicalID == "" {
		return envoyfilter.Input{}, fmt.Errorf("the Shoot %s/%s has no status.technicalID: export it with its status", shoot.Namespace, shoot.Name)
	}

	built, err := exposure.BuildRenderInput(technicalID, checked.Policy, exposure.Sources{
		Seed: set.seed, Shoot: shoot, Infrastructure: set.infrastructureOf(in), SeedShootInfo: set.shootInfo, Additional: additional,
	}, set.exposure)
	if err != nil {
		return envoyfilter.Input{}, err
	}
	if built.AlwaysAllowed.EgressUnknown {
		fmt.Fprintln(errOut, "WARNING the shoot has workers but no egress CIDRs are known: its nodes may be locked out unless the rules allow them")
	}
	if len(built.Exposure.ClientAddressesHidden) > 0 {
		fmt.Fprintf(errOut, "WARNING the ingress gateways %v cannot see client addresses (externalTrafficPolicy Cluster without PROXY protocol): the rules do not restrict clients that come through them\n", built.Exposure.ClientAddressesHidden)
	}
	if len(built.Input.Gateways) == 0 {
		return envoyfilter.Input{}, fmt.Errorf("no istio ingress gateway serves the shoot %s: give the Gateways of %s and the ingress gateways' Deployments and Services (see --help)", technicalID, technicalID)
	}
	return built.Input, nil
}

func printFilters(out io.Writer, filters []*istionetworkingv1alpha3.EnvoyFilter) error {
	for _, filter := range filters {
		raw, err := yaml.Marshal(filter)
		if err != nil {
			return fmt.Errorf("failed to print EnvoyFilter %s/%s: %w", filter.Namespace, filter.Name, err)
		}
		fmt.Fprintf(out, "---\n%s", raw)
	}
	return nil
}
