// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gardener/gardener/pkg/apis/core"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/v1alpha1"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
)

// document is one YAML or JSON document of the files given on the command line, Lists expanded.
type document struct {
	// source names the file, and the document when the file has several.
	source string
	// raw is the document as JSON.
	raw []byte
	// gvk is the document's apiVersion and kind; empty for a bare providerConfig.
	gvk schema.GroupVersionKind
	// name is namespace/name of an object.
	name string
}

// readDocuments reads files, directories (their *.yaml, *.yml and *.json files, as kubectl -f does) and standard
// input ("-") into documents, expanding kind List and every other list kind (a kind ending in List with items), as
// kubectl get -o yaml prints them. The objects are decoded as unstructured data, so any kind can be read; which kinds
// are used is decided by the caller.
func readDocuments(names []string, stdin io.Reader) ([]document, error) {
	var documents []document
	for _, name := range names {
		files := []string{name}
		if name != "-" {
			info, err := os.Stat(name)
			if err != nil {
				return nil, fmt.Errorf("failed to read %s: %w", name, err)
			}
			if info.IsDir() {
				entries, err := os.ReadDir(name)
				if err != nil {
					return nil, fmt.Errorf("failed to read %s: %w", name, err)
				}
				files = nil
				for _, entry := range entries {
					if ext := filepath.Ext(entry.Name()); !entry.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
						files = append(files, filepath.Join(name, entry.Name()))
					}
				}
			}
		}
		for _, file := range files {
			read, err := readFile(file, stdin)
			if err != nil {
				return nil, err
			}
			documents = append(documents, read...)
		}
	}
	return documents, nil
}

func readFile(name string, stdin io.Reader) ([]document, error) {
	var (
		data []byte
		err  error
	)
	if name == "-" {
		data, err = io.ReadAll(stdin)
		name = "standard input"
	} else {
		data, err = os.ReadFile(name) // #nosec G304 -- reading the files named on the command line is the point
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", name, err)
	}

	var chunks [][]byte
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		chunk, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("failed to read a YAML document of %s: %w", name, err)
		}
		if len(bytes.TrimSpace(chunk)) > 0 {
			chunks = append(chunks, chunk)
		}
	}
	var documents []document
	for i, chunk := range chunks {
		source := name
		if len(chunks) > 1 {
			source = fmt.Sprintf("%s (document %d)", name, i+1)
		}
		raw, err := yaml.YAMLToJSONStrict(chunk)
		if err != nil {
			return nil, fmt.Errorf("failed to parse %s as YAML or JSON: %w", source, err)
		}
		expanded, err := expand(source, raw)
		if err != nil {
			return nil, err
		}
		documents = append(documents, expanded...)
	}
	return documents, nil
}

// expand returns the document, or the items of a list, recursively. Documents are decoded as unstructured objects
// (apimachinery's UnstructuredJSONScheme, as kubectl decodes what it does not know): any kind can be read, any
// document with items is a list, and items without apiVersion and kind are of the list's kind without "List", as in
// a ShootList. A document that is no Kubernetes object is a bare providerConfig: one without kind, or one of the
// providerConfig's own API group, whatever its version and kind, whose validation names what is wrong.
func expand(source string, raw []byte) ([]document, error) {
	object, _, err := unstructured.UnstructuredJSONScheme.Decode(raw, nil, nil)
	if err != nil {
		// Not an object, or without kind: left to the providerConfig validation, which reports it with field paths.
		return []document{{source: source, raw: raw}}, nil
	}
	return expandObject(source, raw, object)
}

func expandObject(source string, raw []byte, object runtime.Object) ([]document, error) {
	gvk := object.GetObjectKind().GroupVersionKind()
	if gvk.Group == v1alpha1.SchemeGroupVersion.Group || gvk.Kind == "ACLConfig" {
		return []document{{source: source, raw: raw}}, nil
	}
	if list, ok := object.(*unstructured.UnstructuredList); ok {
		var documents []document
		for i := range list.Items {
			item := &list.Items[i]
			itemSource := fmt.Sprintf("%s, item %d", source, i+1)
			itemRaw, err := item.MarshalJSON()
			if err != nil {
				return nil, fmt.Errorf("failed to read %s: %w", itemSource, err)
			}
			var itemObject runtime.Object = item
			if item.IsList() {
				if itemObject, err = item.ToList(); err != nil {
					return nil, fmt.Errorf("failed to read the list %s: %w", itemSource, err)
				}
			}
			expanded, err := expandObject(itemSource, itemRaw, itemObject)
			if err != nil {
				return nil, err
			}
			documents = append(documents, expanded...)
		}
		return documents, nil
	}
	accessor, err := meta.Accessor(object)
	if err != nil {
		return nil, fmt.Errorf("failed to read the metadata of %s: %w", source, err)
	}
	name := accessor.GetName()
	if accessor.GetNamespace() != "" {
		name = accessor.GetNamespace() + "/" + name
	}
	return []document{{source: source, raw: raw, gvk: gvk, name: name}}, nil
}

// istioVersions are the versions of istio's networking API that kubectl may print; they share one schema.
var istioVersions = []string{"v1", "v1beta1", "v1alpha3"}

// inputSet is what aclctl read from its files: the Shoots and bare providerConfigs that carry rules, and the seed
// objects render and explain use.
type inputSet struct {
	rules []*input
	// seed objects, as the controller reads them
	seed            *gardencorev1beta1.Seed
	infrastructures []*extensionsv1alpha1.Infrastructure
	shootInfo       *corev1.ConfigMap
	exposure        exposure.Objects
	// skipped lists the documents of kinds aclctl does not use.
	skipped []string
}

// readInputs reads files into an inputSet. Documents of kinds aclctl does not use are skipped and listed.
func readInputs(names []string, stdin io.Reader) (*inputSet, error) {
	documents, err := readDocuments(names, stdin)
	if err != nil {
		return nil, err
	}
	set := &inputSet{}
	for _, doc := range documents {
		if err := set.add(doc); err != nil {
			return nil, err
		}
	}
	return set, nil
}

func (s *inputSet) add(doc document) error {
	decode := func(into any) error {
		if err := json.Unmarshal(doc.raw, into); err != nil {
			return fmt.Errorf("failed to decode the %s %s in %s: %w", doc.gvk.Kind, doc.name, doc.source, err)
		}
		return nil
	}
	gvk := doc.gvk
	switch {
	case gvk.Empty():
		s.rules = append(s.rules, &input{name: doc.source, providerConfig: doc.raw})
	case gvk.Group == "core.gardener.cloud" && gvk.Kind == "Shoot":
		shoot := &core.Shoot{}
		if _, _, err := shootDecoder.Decode(doc.raw, nil, shoot); err != nil {
			return fmt.Errorf("failed to decode the Shoot in %s: %w", doc.source, err)
		}
		versioned := &gardencorev1beta1.Shoot{}
		if err := shootScheme.Convert(shoot, versioned, nil); err != nil {
			return fmt.Errorf("failed to read the Shoot in %s: %w", doc.source, err)
		}
		s.rules = append(s.rules, &input{name: doc.source, shoot: shoot, versioned: versioned})
	case gvk == gardencorev1beta1.SchemeGroupVersion.WithKind("Seed"):
		s.seed = &gardencorev1beta1.Seed{}
		return decode(s.seed)
	case gvk == extensionsv1alpha1.SchemeGroupVersion.WithKind("Infrastructure"):
		infrastructure := &extensionsv1alpha1.Infrastructure{}
		s.infrastructures = append(s.infrastructures, infrastructure)
		return decode(infrastructure)
	case gvk == corev1.SchemeGroupVersion.WithKind("ConfigMap") && doc.name == constants.SeedShootInfoNamespace+"/"+constants.SeedShootInfoName:
		s.shootInfo = &corev1.ConfigMap{}
		return decode(s.shootInfo)
	case gvk.Group == "networking.istio.io" && slices.Contains(istioVersions, gvk.Version) && gvk.Kind == "Gateway":
		gateway := &istionetworkingv1beta1.Gateway{}
		s.exposure.Gateways = append(s.exposure.Gateways, gateway)
		return decode(gateway)
	case gvk.Group == "networking.istio.io" && slices.Contains(istioVersions, gvk.Version) && gvk.Kind == "VirtualService":
		virtualService := &istionetworkingv1beta1.VirtualService{}
		s.exposure.VirtualServices = append(s.exposure.VirtualServices, virtualService)
		return decode(virtualService)
	case gvk.Group == "networking.istio.io" && slices.Contains(istioVersions, gvk.Version) && gvk.Kind == "EnvoyFilter":
		filter := &istionetworkingv1alpha3.EnvoyFilter{}
		if err := decode(filter); err != nil {
			return err
		}
		// As the controller reads them: only the ingress gateways' own objects.
		if !exposure.IsIngressGatewayObject(filter.Labels) {
			s.skipNotGateway(doc)
			return nil
		}
		s.exposure.IngressEnvoyFilters = append(s.exposure.IngressEnvoyFilters, filter)
	case gvk == networkingv1.SchemeGroupVersion.WithKind("Ingress"):
		ingress := networkingv1.Ingress{}
		if err := decode(&ingress); err != nil {
			return err
		}
		s.exposure.Ingresses = append(s.exposure.Ingresses, ingress)
	case gvk == appsv1.SchemeGroupVersion.WithKind("Deployment"):
		deployment := appsv1.Deployment{}
		if err := decode(&deployment); err != nil {
			return err
		}
		if !exposure.IsIngressGatewayObject(deployment.Labels) {
			s.skipNotGateway(doc)
			return nil
		}
		s.exposure.IngressDeployments = append(s.exposure.IngressDeployments, deployment)
	case gvk == corev1.SchemeGroupVersion.WithKind("Service"):
		service := corev1.Service{}
		if err := decode(&service); err != nil {
			return err
		}
		if !exposure.IsIngressGatewayObject(service.Labels) {
			s.skipNotGateway(doc)
			return nil
		}
		s.exposure.IngressServices = append(s.exposure.IngressServices, service)
	default:
		s.skipped = append(s.skipped, fmt.Sprintf("%s %s in %s: aclctl does not read this kind", describeKind(gvk), doc.name, doc.source))
	}
	return nil
}

// skipNotGateway records a Deployment, Service or EnvoyFilter that is not an istio ingress gateway's own, which the
// controller does not read either.
func (s *inputSet) skipNotGateway(doc document) {
	s.skipped = append(s.skipped, fmt.Sprintf("%s %s in %s: not labelled %s=%s as the istio ingress gateways' own objects are",
		describeKind(doc.gvk), doc.name, doc.source, constants.IngressGatewayLabelKey, constants.IngressGatewayLabelValue))
}

func describeKind(gvk schema.GroupVersionKind) string {
	apiVersion, kind := gvk.ToAPIVersionAndKind()
	return kind + " (" + apiVersion + ")"
}

// noteSkipped prints a note per skipped document.
func (s *inputSet) noteSkipped(out io.Writer) {
	for _, skipped := range s.skipped {
		fmt.Fprintf(out, "NOTE skipped %s\n", skipped)
	}
}

// oneRuleInput returns the only Shoot or bare providerConfig; none or several is a usage error that names them.
func (s *inputSet) oneRuleInput() (*input, error) {
	switch len(s.rules) {
	case 1:
		return s.rules[0], nil
	case 0:
		return nil, errors.New("no Shoot or providerConfig given")
	}
	return nil, fmt.Errorf("%d Shoots or providerConfigs given, this command reads one: %s", len(s.rules), s.describeRules())
}

// shootInputs returns the inputs of a command that reads several Shoots: the one input given, or several Shoots
// (bare providerConfigs have no control plane to go with).
func (s *inputSet) shootInputs() ([]*input, error) {
	if len(s.rules) <= 1 {
		in, err := s.oneRuleInput()
		if err != nil {
			return nil, err
		}
		return []*input{in}, nil
	}
	for _, in := range s.rules {
		if in.shoot == nil {
			return nil, fmt.Errorf("%d Shoots or providerConfigs given, this command reads one providerConfig or several Shoots: %s", len(s.rules), s.describeRules())
		}
	}
	return s.rules, nil
}

// describeRules names every input that carries rules.
func (s *inputSet) describeRules() string {
	described := make([]string, 0, len(s.rules))
	for _, in := range s.rules {
		described = append(described, in.describe())
	}
	return strings.Join(described, "; ")
}

// infrastructureOf returns the Infrastructure of an input's control plane namespace; a single Infrastructure given
// with a single input is that input's whatever its namespace (an exported object may lack it).
func (s *inputSet) infrastructureOf(in *input) *extensionsv1alpha1.Infrastructure {
	for _, infrastructure := range s.infrastructures {
		if in.versioned != nil && infrastructure.Namespace == in.versioned.Status.TechnicalID {
			return infrastructure
		}
	}
	if len(s.infrastructures) == 1 && len(s.rules) == 1 {
		return s.infrastructures[0]
	}
	return nil
}
