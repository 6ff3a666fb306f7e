// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	gardenerextensions "github.com/gardener/gardener/pkg/extensions"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/yaml"
)

// Apply creates the objects in the cluster c talks to, or updates them where they exist: Namespaces first, then the
// rest in the given order. It is meant for a test kube-apiserver with the seed's CRDs (testenv.InstallSeedCRDs), so
// it adapts what only a real seed can take:
//   - objects of types the client's scheme does not know or the server does not serve (e.g. monitoring.coreos.com,
//     autoscaling.k8s.io without their CRDs) are skipped;
//   - admission webhook configurations are skipped: there is no istiod or gardener-resource-manager to answer them;
//   - Namespaces that objects live in but that are not among the objects (e.g. garden, which exists on every seed)
//     are created empty if missing;
//   - Services lose their cluster IPs, which the server allocates from its own range;
//   - owner references to Namespaces get the UIDs the server gave those Namespaces.
func Apply(ctx context.Context, c client.Client, objects []client.Object) error {
	namespaceUIDs := map[string]types.UID{}
	if err := createMissingNamespaces(ctx, c, objects, namespaceUIDs); err != nil {
		return err
	}
	for _, pass := range []bool{true, false} {
		for _, original := range objects {
			if _, isNamespace := original.(*corev1.Namespace); isNamespace != pass {
				continue
			}
			obj, ok := original.DeepCopyObject().(client.Object)
			if !ok {
				return fmt.Errorf("failed to copy %T", original)
			}
			switch obj.(type) {
			case *admissionregistrationv1.ValidatingWebhookConfiguration, *admissionregistrationv1.MutatingWebhookConfiguration:
				continue
			}
			if _, err := apiutil.GVKForObject(obj, c.Scheme()); err != nil {
				// A type the client does not know, e.g. a monitoring.coreos.com one with testenv.SeedScheme.
				continue
			}
			prepareForApply(obj, namespaceUIDs)
			if err := createOrUpdate(ctx, c, obj); err != nil {
				if meta.IsNoMatchError(err) {
					continue
				}
				return err
			}
			if namespace, isNamespace := obj.(*corev1.Namespace); isNamespace {
				namespaceUIDs[namespace.Name] = namespace.UID
			}
		}
	}
	return nil
}

func createMissingNamespaces(ctx context.Context, c client.Client, objects []client.Object, namespaceUIDs map[string]types.UID) error {
	listed := map[string]bool{}
	for _, obj := range objects {
		if _, isNamespace := obj.(*corev1.Namespace); isNamespace {
			listed[obj.GetName()] = true
		}
	}
	for _, obj := range objects {
		name := obj.GetNamespace()
		if name == "" || listed[name] {
			continue
		}
		listed[name] = true
		namespace := &corev1.Namespace{}
		namespace.Name = name
		if err := c.Create(ctx, namespace); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("failed to create namespace %s: %w", name, err)
		}
		if err := c.Get(ctx, client.ObjectKey{Name: name}, namespace); err != nil {
			return fmt.Errorf("failed to get namespace %s: %w", name, err)
		}
		namespaceUIDs[name] = namespace.UID
	}
	return nil
}

func prepareForApply(obj client.Object, namespaceUIDs map[string]types.UID) {
	obj.SetUID("")
	obj.SetResourceVersion("")
	if service, ok := obj.(*corev1.Service); ok {
		service.Spec.ClusterIP = ""
		service.Spec.ClusterIPs = nil
	}
	owners := obj.GetOwnerReferences()
	for i, owner := range owners {
		if owner.Kind == "Namespace" && owner.APIVersion == "v1" {
			if actual, ok := namespaceUIDs[owner.Name]; ok {
				owners[i].UID = actual
			}
		}
	}
	obj.SetOwnerReferences(owners)
}

// createOrUpdate creates obj or, if it exists, updates it to obj's content; obj holds the server's version afterwards.
func createOrUpdate(ctx context.Context, c client.Client, obj client.Object) error {
	gvk, err := apiutil.GVKForObject(obj, c.Scheme())
	if err != nil {
		return fmt.Errorf("failed to determine the kind of %T: %w", obj, err)
	}
	err = c.Create(ctx, obj)
	if err == nil || !apierrors.IsAlreadyExists(err) {
		if err != nil {
			return fmt.Errorf("failed to create %s %s: %w", gvk.Kind, client.ObjectKeyFromObject(obj), err)
		}
		return nil
	}
	existing, ok := obj.DeepCopyObject().(client.Object)
	if !ok {
		return fmt.Errorf("failed to copy %T", obj)
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(obj), existing); err != nil {
		return fmt.Errorf("failed to get %s %s: %w", gvk.Kind, client.ObjectKeyFromObject(obj), err)
	}
	obj.SetResourceVersion(existing.GetResourceVersion())
	obj.SetUID(existing.GetUID())
	if service, ok := obj.(*corev1.Service); ok {
		// Cluster IPs are immutable; keep what the server allocated.
		current, _ := existing.(*corev1.Service)
		service.Spec.ClusterIP = current.Spec.ClusterIP
		service.Spec.ClusterIPs = current.Spec.ClusterIPs
	}
	if err := c.Update(ctx, obj); err != nil {
		return fmt.Errorf("failed to update %s %s: %w", gvk.Kind, client.ObjectKeyFromObject(obj), err)
	}
	return nil
}

// WriteYAML writes the objects as one multi-document YAML stream, each document with apiVersion and kind, in the given
// order: the shape of `kubectl get -o yaml` output that aclctl render and offline tools read.
func WriteYAML(w io.Writer, objects []client.Object) error {
	for i, obj := range objects {
		gvk, err := apiutil.GVKForObject(obj, kubernetes.SeedScheme)
		if err != nil {
			return fmt.Errorf("failed to determine the kind of %T: %w", obj, err)
		}
		typed, ok := obj.DeepCopyObject().(client.Object)
		if !ok {
			return fmt.Errorf("failed to copy %T", obj)
		}
		typed.GetObjectKind().SetGroupVersionKind(gvk)
		data, err := yaml.Marshal(typed)
		if err != nil {
			return fmt.Errorf("failed to marshal %s %s: %w", gvk.Kind, client.ObjectKeyFromObject(obj), err)
		}
		if i > 0 {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return fmt.Errorf("failed to write the document separator: %w", err)
			}
		}
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("failed to write %s %s: %w", gvk.Kind, client.ObjectKeyFromObject(obj), err)
		}
	}
	return nil
}

// ReadYAML reads a multi-document YAML stream as WriteYAML writes it into typed objects of gardener's seed scheme.
func ReadYAML(r io.Reader) ([]client.Object, error) {
	decoder := kubernetes.SeedCodec.UniversalDeserializer()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var objects []client.Object
	for {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			return nil, fmt.Errorf("failed to read a YAML document: %w", err)
		}
		if len(bytes.TrimSpace(document)) == 0 {
			continue
		}
		decoded, _, err := decoder.Decode(document, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("failed to decode a YAML document: %w", err)
		}
		obj, ok := decoded.(client.Object)
		if !ok {
			return nil, fmt.Errorf("decoded %T, which is no object", decoded)
		}
		objects = append(objects, obj)
	}
}

// OfType returns the objects of type T, e.g. OfType[*istionetworkingv1beta1.Gateway](objects).
func OfType[T client.Object](objects []client.Object) []T {
	var result []T
	for _, obj := range objects {
		if typed, ok := obj.(T); ok {
			result = append(result, typed)
		}
	}
	return result
}

// ShootFromObjects returns the Shoot resource held by the first Cluster resource among objects (the Cluster ControlPlane
// returns, as gardenlet syncs it, with status.advertisedAddresses); nil if there is no Cluster.
func ShootFromObjects(objects []client.Object) (*gardencorev1beta1.Shoot, error) {
	clusters := OfType[*extensionsv1alpha1.Cluster](objects)
	if len(clusters) == 0 {
		return nil, nil
	}
	shoot, err := gardenerextensions.ShootFromCluster(clusters[0])
	if err != nil {
		return nil, fmt.Errorf("failed to decode the Shoot of Cluster %s: %w", clusters[0].Name, err)
	}
	return shoot, nil
}
