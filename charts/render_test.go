// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package charts_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/gardener/gardener/pkg/chartrenderer"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	. "github.com/onsi/gomega"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apimachinery/pkg/version"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/charts"
)

const releaseNamespace = "extension-acl"

var decoder = serializer.NewCodecFactory(kubernetes.SeedScheme).UniversalDeserializer()

// render renders a chart of charts.FS with gardener's chart renderer, as gardenlet and gardener-operator do, and
// returns its objects by kind and name.
func render(chartPath string, values map[string]any) map[string]client.Object {
	renderer := chartrenderer.NewWithServerVersion(&version.Info{GitVersion: "v1.33.0"})
	rendered, err := renderer.RenderEmbeddedFS(charts.FS, chartPath, "acl", releaseNamespace, values)
	Expect(err).NotTo(HaveOccurred())

	objects := map[string]client.Object{}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(rendered.Manifest())))
	for {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		Expect(err).NotTo(HaveOccurred())
		if len(bytes.TrimSpace(document)) == 0 {
			continue
		}
		decoded, gvk, err := decoder.Decode(document, nil, nil)
		Expect(err).NotTo(HaveOccurred(), string(document))
		object, ok := decoded.(client.Object)
		Expect(ok).To(BeTrue())
		key := gvk.Kind + "/" + object.GetNamespace() + "/" + object.GetName()
		Expect(objects).NotTo(HaveKey(key), "rendered twice")
		objects[key] = object
	}
	return objects
}

// object returns the rendered object of the given kind, namespace and name, typed.
func object[T client.Object](objects map[string]client.Object, kind, namespace, name string) T {
	found, ok := objects[kind+"/"+namespace+"/"+name]
	Expect(ok).To(BeTrue(), "%s %s/%s is not rendered; rendered are %v", kind, namespace, name, keys(objects))
	typed, ok := found.(T)
	Expect(ok).To(BeTrue())
	return typed
}

func keys(objects map[string]client.Object) []string {
	var result []string
	for key := range objects {
		result = append(result, key)
	}
	return result
}

// parseArgs parses the rendered container arguments with the binary's own flags: a flag the binary does not know, or
// a value it cannot parse, fails here instead of in a crash-looping pod.
func parseArgs(addFlags func(*pflag.FlagSet), args []string) {
	flags := pflag.NewFlagSet("binary", pflag.ContinueOnError)
	addFlags(flags)
	Expect(flags.Parse(args)).To(Succeed())
	Expect(flags.Args()).To(BeEmpty(), "positional arguments")
}
