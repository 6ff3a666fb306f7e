// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"fmt"
	"io"

	"github.com/gardener/gardener/pkg/apis/core"
	gardencoreinstall "github.com/gardener/gardener/pkg/apis/core/install"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
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

// input is a Shoot or a bare providerConfig given to aclctl.
type input struct {
	// name is where it was read from.
	name string
	// shoot is set when the input is a Shoot, decoded into the internal version as the webhook decodes it.
	shoot *core.Shoot
	// versioned is the Shoot in version v1beta1, as the controller reads it from the Cluster.
	versioned *gardencorev1beta1.Shoot
	// providerConfig is set when the input is a bare providerConfig, as JSON.
	providerConfig []byte
}

// readInput reads the one Shoot or bare providerConfig of a file or of standard input ("-"); other kinds are skipped
// with a note on notes.
func readInput(name string, stdin io.Reader, notes io.Writer) (*input, error) {
	set, err := readInputs([]string{name}, stdin)
	if err != nil {
		return nil, err
	}
	set.noteSkipped(notes)
	return set.oneRuleInput()
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
	switch {
	case in.shoot == nil:
		return "the providerConfig in " + in.name
	case in.name == "":
		return "the Shoot " + in.shoot.Namespace + "/" + in.shoot.Name
	}
	return "the Shoot " + in.shoot.Namespace + "/" + in.shoot.Name + " in " + in.name
}

// aclConfig returns the one enabled acl providerConfig of the input and the path it is reported under.
func (in *input) aclConfig() ([]byte, *field.Path, error) {
	if in.shoot == nil {
		return in.providerConfig, bareRoot, nil
	}
	for i, extension := range validation.ExtensionsOfShoot(in.shoot) {
		if extension.Type == constants.ExtensionType && !extension.Disabled {
			return extension.ProviderConfig, field.NewPath("spec", "extensions").Index(i).Child("providerConfig"), nil
		}
	}
	return nil, nil, fmt.Errorf("%s has no enabled extension of type %s", in.describe(), constants.ExtensionType)
}
