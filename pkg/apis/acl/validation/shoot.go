// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"bytes"

	"github.com/gardener/gardener/pkg/apis/core"
	jsonv2 "github.com/go-json-experiment/json"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

// ShootExtension is the part of a Shoot's spec.extensions[] entry that ACL validation reads. The admission webhook
// and aclctl both decode Shoots into the internal version and map them onto it with ExtensionsOfShoot, so that they
// validate a Shoot alike.
type ShootExtension struct {
	// Type is the extension type.
	Type string
	// Disabled is true when the Shoot opts out of an extension that is enabled by default.
	Disabled bool
	// ProviderConfig is the raw providerConfig, nil when there is none.
	ProviderConfig []byte
}

// ShootResult is the outcome of validating every acl extension of a Shoot.
type ShootResult struct {
	// Errors make the Shoot invalid.
	Errors field.ErrorList
	// Warnings are returned alongside a valid or invalid Shoot.
	Warnings Warnings
}

// ValidateShootExtensions validates every enabled acl extension of a Shoot. oldExtensions are the extensions before
// an update, nil on create. An extension whose providerConfig did not change in an update is not validated again, so
// that rules the shoot already runs with never block unrelated changes to the Shoot.
func ValidateShootExtensions(extensions, oldExtensions []ShootExtension, limits Limits) ShootResult {
	var result ShootResult
	extensionsPath := field.NewPath("spec", "extensions")

	for i, extension := range extensions {
		if extension.Type != constants.ExtensionType || extension.Disabled {
			continue
		}
		path := extensionsPath.Index(i).Child("providerConfig")

		old, isUpdate := oldExtension(oldExtensions)
		if isUpdate && !old.Disabled && old.ProviderConfig != nil && bytes.Equal(old.ProviderConfig, extension.ProviderConfig) {
			// Not validated again, but every change of the Shoot reminds the person that audited rules block nothing.
			if audited(extension.ProviderConfig) {
				result.Warnings = append(result.Warnings, auditWarning((&Decoded{Form: FormTyped}).ModePath(path)))
			}
			continue
		}
		var oldRaw []byte
		if isUpdate {
			// Ratcheting needs a non-nil old configuration to tell an update from a create.
			oldRaw = append([]byte{}, old.ProviderConfig...)
		}

		validated := ValidateProviderConfig(extension.ProviderConfig, oldRaw, path, limits)
		result.Errors = append(result.Errors, validated.Errors...)
		result.Warnings = append(result.Warnings, validated.Warnings...)
	}
	return result
}

// audited reports whether a providerConfig that was validated before is in Audit mode. Only the mode is decoded, and
// only when the text holds the value at all: an unchanged Shoot update stays cheap however long its rules are. The
// legacy form has no mode and is enforced.
func audited(raw []byte) bool {
	if !bytes.Contains(raw, []byte(acl.ModeAudit)) {
		return false
	}
	var config struct {
		Mode acl.Mode `json:"mode"`
	}
	return jsonv2.Unmarshal(raw, &config) == nil && config.Mode == acl.ModeAudit
}

// oldExtension returns the acl extension before an update. Gardener allows one extension per type, so there is at
// most one.
func oldExtension(oldExtensions []ShootExtension) (ShootExtension, bool) {
	for _, extension := range oldExtensions {
		if extension.Type == constants.ExtensionType {
			return extension, true
		}
	}
	return ShootExtension{}, false
}

// ExtensionsOfShoot returns the extensions of an internal Shoot, the version both the webhook and aclctl decode
// Shoots into. It returns nil for a nil Shoot, which makes ValidateShootExtensions treat the request as a create.
func ExtensionsOfShoot(shoot *core.Shoot) []ShootExtension {
	if shoot == nil {
		return nil
	}
	extensions := make([]ShootExtension, 0, len(shoot.Spec.Extensions))
	for _, extension := range shoot.Spec.Extensions {
		extensions = append(extensions, ShootExtension{
			Type:           extension.Type,
			Disabled:       extension.Disabled != nil && *extension.Disabled,
			ProviderConfig: rawBytes(extension.ProviderConfig),
		})
	}
	return extensions
}

func rawBytes(raw *runtime.RawExtension) []byte {
	if raw == nil {
		return nil
	}
	return raw.Raw
}
