// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/gardener/gardener/pkg/apis/core"
	gardencoreinstall "github.com/gardener/gardener/pkg/apis/core/install"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// bareRoot is the path under which findings of a bare providerConfig file are reported.
var bareRoot = field.NewPath("providerConfig")

var (
	shootScheme  = runtime.NewScheme()
	shootDecoder runtime.Decoder
)

func init() {
	gardencoreinstall.Install(shootScheme)
	shootDecoder = serializer.NewCodecFactory(shootScheme).UniversalDecoder(core.SchemeGroupVersion)
}

// input is a file given to aclctl: either a Shoot or a bare providerConfig.
type input struct {
	name string
	// shoot is set when the file holds a Shoot, decoded into the internal version as the webhook decodes it.
	shoot *core.Shoot
	// providerConfig is set when the file holds a bare providerConfig, as JSON.
	providerConfig []byte
}

// readInput reads FILE or standard input ("-"), in YAML or JSON.
func readInput(name string, stdin io.Reader) (*input, error) {
	var (
		data []byte
		err  error
	)
	if name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name) // #nosec G304 -- reading the file named on the command line is the point
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", name, err)
	}

	raw, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, fmt.Errorf("failed to parse %s as YAML or JSON: %w", name, err)
	}

	var header struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	// A header that does not decode is left to the providerConfig validation, which reports it with a field path.
	_ = json.Unmarshal(raw, &header)
	if header.Kind != "Shoot" {
		return &input{name: name, providerConfig: raw}, nil
	}

	shoot := &core.Shoot{}
	if _, _, err := shootDecoder.Decode(raw, nil, shoot); err != nil {
		return nil, fmt.Errorf("failed to decode the Shoot in %s: %w", name, err)
	}
	return &input{name: name, shoot: shoot}, nil
}

// validateInputs validates a file, with UPDATE semantics when old is given, exactly as the webhook would.
func validateInputs(current, old *input, limits validation.Limits) (validation.ShootResult, error) {
	if old != nil && (old.shoot == nil) != (current.shoot == nil) {
		return validation.ShootResult{}, fmt.Errorf("%s and %s must both be Shoots or both be bare providerConfigs", current.name, old.name)
	}

	if current.shoot != nil {
		var oldExtensions []validation.ShootExtension
		if old != nil {
			oldExtensions = validation.ExtensionsOfShoot(old.shoot)
		}
		return validation.ValidateShootExtensions(validation.ExtensionsOfShoot(current.shoot), oldExtensions, limits), nil
	}

	var oldRaw []byte
	if old != nil {
		oldRaw = old.providerConfig
	}
	result := validation.ValidateProviderConfig(current.providerConfig, oldRaw, bareRoot, limits)
	return validation.ShootResult{Errors: result.Errors, Warnings: result.Warnings}, nil
}

// describe names the input in messages.
func (in *input) describe() string {
	if in.shoot != nil && in.name == "" {
		return "the Shoot " + in.shoot.Namespace + "/" + in.shoot.Name
	}
	return "the Shoot in " + in.name
}

// aclConfig returns the one enabled acl providerConfig of the input and the path it is reported under.
func (in *input) aclConfig() ([]byte, *field.Path, error) {
	if in.shoot == nil {
		return in.providerConfig, bareRoot, nil
	}
	for i, extension := range validation.ExtensionsOfShoot(in.shoot) {
		if extension.Type == validation.ExtensionType && !extension.Disabled {
			return extension.ProviderConfig, field.NewPath("spec", "extensions").Index(i).Child("providerConfig"), nil
		}
	}
	return nil, nil, fmt.Errorf("%s has no enabled extension of type %s", in.describe(), validation.ExtensionType)
}
