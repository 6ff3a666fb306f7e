// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	"github.com/gardener/gardener/pkg/features"
	gardenletfeatures "github.com/gardener/gardener/pkg/gardenlet/features"
	secretsutils "github.com/gardener/gardener/pkg/utils/secrets"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/component-base/featuregate"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	fakeclient "sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/gardener-community/gardener-extension-acl/test/managedresourcedata"
)

var (
	// globalsMutex serialises the fixtures: gardenlet's feature gates and gardener's key generator are process-global,
	// and every fixture sets them for the duration of its call.
	globalsMutex           sync.Mutex
	registerFeatureGates   sync.Once
	errFeatureGateNotKnown = errors.New("feature gate is not registered")
)

// RegisterFeatureGates registers gardenlet's feature gates in gardener's process-wide feature gate, once. The fixtures
// call it themselves; a process that also runs a gardener component with command-line flags (e.g. an in-process
// gardener-apiserver) must call it before that component adds the feature gate to its flags, after which no gate can
// be added.
func RegisterFeatureGates() {
	registerFeatureGates.Do(func() {
		// Another package of the test binary may have registered them already; registering twice would panic.
		if _, known := features.DefaultFeatureGate.GetAll()[features.IstioTLSTermination]; !known {
			gardenletfeatures.RegisterFeatureGates()
		}
	})
}

// withGlobals runs f with gardenlet's feature gates registered and set as gates says, and with the fakes gardener's
// own component tests use for key and password generation (secretsutils.FakeGenerateKey, FakeGenerateRandomString):
// the fixtures blank all Secret data, so real keys would only cost time (a 3072-bit key per certificate authority). It
// restores the previous values afterwards. Calls are serialised; code running concurrently elsewhere in the process
// sees the fakes and gates meanwhile.
func withGlobals(gates map[featuregate.Feature]bool, f func() error) error {
	globalsMutex.Lock()
	defer globalsMutex.Unlock()

	generateKey, generateRandomString := secretsutils.GenerateKey, secretsutils.GenerateRandomString
	secretsutils.GenerateKey, secretsutils.GenerateRandomString = secretsutils.FakeGenerateKey, secretsutils.FakeGenerateRandomString
	defer func() {
		secretsutils.GenerateKey, secretsutils.GenerateRandomString = generateKey, generateRandomString
	}()

	RegisterFeatureGates()

	previous := map[string]bool{}
	desired := map[string]bool{}
	for gate, enabled := range gates {
		if _, known := features.DefaultFeatureGate.GetAll()[gate]; !known {
			return fmt.Errorf("failed to set feature gate %s: %w", gate, errFeatureGateNotKnown)
		}
		previous[string(gate)] = features.DefaultFeatureGate.Enabled(gate)
		desired[string(gate)] = enabled
	}
	if err := features.DefaultFeatureGate.SetFromMap(desired); err != nil {
		return fmt.Errorf("failed to set feature gates: %w", err)
	}
	err := f()
	if restoreErr := features.DefaultFeatureGate.SetFromMap(previous); restoreErr != nil {
		return errors.Join(err, fmt.Errorf("failed to restore feature gates: %w", restoreErr))
	}
	return err
}

// environment is the fake seed the gardener components write into. It records the key of every object that is
// created, updated or patched, so it can hand back exactly what the components produced.
type environment struct {
	client client.Client
	mutex  sync.Mutex
	writes map[objectKey]bool
}

type objectKey struct {
	gvk       schema.GroupVersionKind
	namespace string
	name      string
}

func newEnvironment(inputs []client.Object) (*environment, error) {
	env := &environment{writes: map[objectKey]bool{}}
	fake := fakeclient.NewClientBuilder().
		WithScheme(kubernetes.SeedScheme).
		WithStatusSubresource(&resourcesv1alpha1.ManagedResource{}).
		WithInterceptorFuncs(interceptor.Funcs{
			Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
				if err := c.Create(ctx, obj, opts...); err != nil {
					return err
				}
				return env.written(ctx, c, obj)
			},
			Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
				if err := c.Update(ctx, obj, opts...); err != nil {
					return err
				}
				return env.written(ctx, c, obj)
			},
			Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
				if err := c.Patch(ctx, obj, patch, opts...); err != nil {
					return err
				}
				return env.written(ctx, c, obj)
			},
		}).
		Build()
	env.client = fake
	if err := env.addInputs(context.Background(), inputs...); err != nil {
		return nil, err
	}
	return env, nil
}

// addInputs creates objects in the fake seed that stand in for what the API server, the cloud provider or other
// components provide. They are only part of the result if a gardener component writes them afterwards.
func (e *environment) addInputs(ctx context.Context, inputs ...client.Object) error {
	for _, obj := range inputs {
		key, err := keyOf(obj)
		if err != nil {
			return err
		}
		if err := e.client.Create(ctx, obj); err != nil {
			return fmt.Errorf("failed to create %s %s/%s in the fake seed: %w", key.gvk.Kind, key.namespace, key.name, err)
		}
		e.mutex.Lock()
		delete(e.writes, key)
		e.mutex.Unlock()
	}
	return nil
}

func keyOf(obj client.Object) (objectKey, error) {
	gvk, err := apiutil.GVKForObject(obj, kubernetes.SeedScheme)
	if err != nil {
		return objectKey{}, fmt.Errorf("failed to determine the kind of %T: %w", obj, err)
	}
	return objectKey{gvk: gvk, namespace: obj.GetNamespace(), name: obj.GetName()}, nil
}

// written records that a component wrote obj. For a ManagedResource of class seed it then does what
// gardener-resource-manager does: it applies the ManagedResource's objects to the seed and reports the
// ManagedResource applied and healthy, so components that wait for their ManagedResources
// (managedresources.WaitUntilHealthy) or read objects of other components (the istio-basic-auth-server lists the
// observability VirtualServices) see what they would see on a seed. c is the fake client without the recording.
func (e *environment) written(ctx context.Context, c client.Client, obj client.Object) error {
	key, err := keyOf(obj)
	if err != nil {
		return err
	}
	e.mutex.Lock()
	e.writes[key] = true
	e.mutex.Unlock()

	mr, ok := obj.(*resourcesv1alpha1.ManagedResource)
	if !ok || mr.Spec.Class == nil || *mr.Spec.Class != "seed" {
		// Objects of ManagedResources without class go into the shoot cluster, not into the seed.
		return nil
	}
	objects, err := managedResourceObjects(ctx, c, mr)
	if err != nil {
		return fmt.Errorf("failed to decode ManagedResource %s/%s: %w", mr.Namespace, mr.Name, err)
	}
	for _, object := range objects {
		if namespaced, err := c.IsObjectNamespaced(object); err == nil && namespaced && object.GetNamespace() == "" {
			object.SetNamespace(mr.Namespace)
		}
		if err := createOrUpdate(ctx, c, object); err != nil {
			return err
		}
	}
	current := &resourcesv1alpha1.ManagedResource{}
	if err := c.Get(ctx, client.ObjectKeyFromObject(mr), current); err != nil {
		return fmt.Errorf("failed to get ManagedResource %s/%s: %w", mr.Namespace, mr.Name, err)
	}
	current.Status.ObservedGeneration = current.Generation
	current.Status.Conditions = []gardencorev1beta1.Condition{
		{Type: resourcesv1alpha1.ResourcesApplied, Status: gardencorev1beta1.ConditionTrue, Reason: "ApplySucceeded"},
		{Type: resourcesv1alpha1.ResourcesHealthy, Status: gardencorev1beta1.ConditionTrue, Reason: "ResourcesHealthy"},
		{Type: resourcesv1alpha1.ResourcesProgressing, Status: gardencorev1beta1.ConditionFalse, Reason: "ResourcesRolledOut"},
	}
	if err := c.Status().Update(ctx, current); err != nil {
		return fmt.Errorf("failed to report ManagedResource %s/%s healthy: %w", mr.Namespace, mr.Name, err)
	}
	return nil
}

// managedResourceObjects decodes the objects of all ManagedResources of class seed, ordered by namespace and name of
// the ManagedResource.
func (e *environment) managedResourceObjects(ctx context.Context) ([]client.Object, error) {
	list := &resourcesv1alpha1.ManagedResourceList{}
	if err := e.client.List(ctx, list); err != nil {
		return nil, fmt.Errorf("failed to list ManagedResources: %w", err)
	}
	var objects []client.Object
	for _, mr := range list.Items {
		if mr.Spec.Class == nil || *mr.Spec.Class != "seed" {
			// Objects of ManagedResources without class go into the shoot cluster, not into the seed.
			continue
		}
		decoded, err := managedResourceObjects(ctx, e.client, &mr)
		if err != nil {
			return nil, fmt.Errorf("failed to decode ManagedResource %s/%s: %w", mr.Namespace, mr.Name, err)
		}
		for _, obj := range decoded {
			if namespaced, err := e.client.IsObjectNamespaced(obj); err == nil && namespaced && obj.GetNamespace() == "" {
				// gardener-resource-manager puts objects without namespace into the ManagedResource's namespace.
				obj.SetNamespace(mr.Namespace)
			}
			objects = append(objects, obj)
		}
	}
	return objects, nil
}

// objects returns what the components deployed: every object they wrote except ManagedResources and the Secrets
// holding their data, plus the decoded objects of the ManagedResources of class seed (what gardener-resource-manager
// applies). Secrets keep their data keys with empty values: the fixtures carry no key material. The result is normalised and sorted.
func (e *environment) objects(ctx context.Context) ([]client.Object, error) {
	list := &resourcesv1alpha1.ManagedResourceList{}
	if err := e.client.List(ctx, list); err != nil {
		return nil, fmt.Errorf("failed to list ManagedResources: %w", err)
	}
	managedResourceSecrets := map[objectKey]bool{}
	for _, mr := range list.Items {
		for _, ref := range mr.Spec.SecretRefs {
			managedResourceSecrets[objectKey{gvk: corev1.SchemeGroupVersion.WithKind("Secret"), namespace: mr.Namespace, name: ref.Name}] = true
		}
	}

	byKey := map[objectKey]client.Object{}
	e.mutex.Lock()
	written := make([]objectKey, 0, len(e.writes))
	for key := range e.writes {
		written = append(written, key)
	}
	e.mutex.Unlock()
	for _, key := range written {
		if managedResourceSecrets[key] || key.gvk.Group == resourcesv1alpha1.SchemeGroupVersion.Group {
			continue
		}
		runtimeObj, err := kubernetes.SeedScheme.New(key.gvk)
		if err != nil {
			return nil, fmt.Errorf("failed to create an object of kind %s: %w", key.gvk, err)
		}
		obj, ok := runtimeObj.(client.Object)
		if !ok {
			return nil, fmt.Errorf("kind %s is not a client.Object", key.gvk)
		}
		if err := e.client.Get(ctx, client.ObjectKey{Namespace: key.namespace, Name: key.name}, obj); err != nil {
			if apierrors.IsNotFound(err) {
				// Deleted again by a component.
				continue
			}
			return nil, fmt.Errorf("failed to read back %s %s/%s: %w", key.gvk.Kind, key.namespace, key.name, err)
		}
		byKey[key] = obj
	}

	decoded, err := e.managedResourceObjects(ctx)
	if err != nil {
		return nil, err
	}
	for _, obj := range decoded {
		key, err := keyOf(obj)
		if err != nil {
			return nil, err
		}
		byKey[key] = obj
	}

	objects := make([]client.Object, 0, len(byKey))
	for _, obj := range byKey {
		if err := normalize(obj); err != nil {
			return nil, err
		}
		objects = append(objects, obj)
	}
	Sort(objects)
	return objects, nil
}

// normalize sets apiVersion and kind and removes what the fake API server or the ManagedResource encoding added:
// resource versions, managed fields, creation timestamps; Secrets keep their data keys with empty values (the API
// server requires the keys of typed Secrets such as kubernetes.io/tls).
func normalize(obj client.Object) error {
	gvk, err := apiutil.GVKForObject(obj, kubernetes.SeedScheme)
	if err != nil {
		return fmt.Errorf("failed to determine the kind of %T: %w", obj, err)
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	obj.SetResourceVersion("")
	obj.SetManagedFields(nil)
	obj.SetCreationTimestamp(metav1.Time{})
	obj.SetGeneration(0)
	if secret, ok := obj.(*corev1.Secret); ok {
		for key := range secret.Data {
			secret.Data[key] = []byte{}
		}
		for key := range secret.StringData {
			secret.StringData[key] = ""
		}
	}
	return nil
}

// Sort orders objects deterministically: Namespaces first, then by namespace, API group, kind and name.
func Sort(objects []client.Object) {
	slices.SortStableFunc(objects, func(a, b client.Object) int {
		ka, kb := a.GetObjectKind().GroupVersionKind(), b.GetObjectKind().GroupVersionKind()
		if c := compareBool(ka.Kind != "Namespace", kb.Kind != "Namespace"); c != 0 {
			return c
		}
		for _, pair := range [][2]string{
			{a.GetNamespace(), b.GetNamespace()},
			{ka.Group, kb.Group},
			{ka.Kind, kb.Kind},
			{a.GetName(), b.GetName()},
		} {
			if c := strings.Compare(pair[0], pair[1]); c != 0 {
				return c
			}
		}
		return 0
	})
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	default:
		return 1
	}
}

// managedResourceObjects decodes the objects of a ManagedResource as gardener-resource-manager reads them
// (test/managedresourcedata: every key a stream of YAML or JSON documents), typed by the client's scheme, so that a
// fixture holds exactly what gardener-resource-manager would apply. gardener's managedresources.GetObjects splits the
// data at "---" lines itself; both read the same for what gardener writes at the pinned versions.
func managedResourceObjects(ctx context.Context, c client.Client, mr *resourcesv1alpha1.ManagedResource) ([]client.Object, error) {
	var objects []client.Object
	for _, ref := range mr.Spec.SecretRefs {
		secret := &corev1.Secret{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: mr.Namespace, Name: ref.Name}, secret); err != nil {
			return nil, fmt.Errorf("failed to get secret %s/%s: %w", mr.Namespace, ref.Name, err)
		}
		documents, err := managedresourcedata.Decode(secret.Data)
		if err != nil {
			return nil, fmt.Errorf("failed to read secret %s/%s: %w", mr.Namespace, ref.Name, err)
		}
		for _, document := range documents {
			gvk := (&unstructured.Unstructured{Object: document}).GroupVersionKind()
			typed, err := c.Scheme().New(gvk)
			if err != nil {
				return nil, fmt.Errorf("failed to type %s of secret %s/%s: %w", gvk, mr.Namespace, ref.Name, err)
			}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(document, typed); err != nil {
				return nil, fmt.Errorf("failed to convert %s of secret %s/%s: %w", gvk, mr.Namespace, ref.Name, err)
			}
			object, ok := typed.(client.Object)
			if !ok {
				return nil, fmt.Errorf("%s of secret %s/%s is not an object", gvk, mr.Namespace, ref.Name)
			}
			objects = append(objects, object)
		}
	}
	return objects, nil
}
