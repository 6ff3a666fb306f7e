// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	"encoding/json"

	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gstruct"
	gomegatypes "github.com/onsi/gomega/types"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// root is the path of the first extension's providerConfig, the usual place of the acl extension.
var root = field.NewPath("spec", "extensions").Index(0).Child("providerConfig")

// typed returns a typed providerConfig with the given type and rules.
func typed(principalType string, rules ...map[string]any) []byte {
	config := map[string]any{"apiVersion": "acl.extensions.gardener.cloud/v1alpha1", "kind": "ACLConfig", "rules": rules}
	if principalType != "" {
		config["type"] = principalType
	}
	return mustJSON(config)
}

// withMode returns a typed providerConfig with the given mode (any JSON value) added.
func withMode(raw []byte, mode any) []byte {
	config := map[string]any{}
	Expect(json.Unmarshal(raw, &config)).To(Succeed())
	config["mode"] = mode
	return mustJSON(config)
}

// legacy returns a providerConfig in the legacy single-rule form.
func legacy(action, principalType string, cidrs ...string) []byte {
	return mustJSON(map[string]any{"rule": map[string]any{"action": action, "type": principalType, "cidrs": cidrs}})
}

func rule(action string, cidrs ...string) map[string]any {
	return map[string]any{"action": action, "cidrs": cidrs}
}

func mustJSON(value any) []byte {
	raw, err := json.Marshal(value)
	Expect(err).NotTo(HaveOccurred())
	return raw
}

// fieldError matches a field error by type, full path and a fragment of its detail.
func fieldError(errorType field.ErrorType, path, detailFragment string) gomegatypes.GomegaMatcher {
	return gstruct.PointTo(gstruct.MatchFields(gstruct.IgnoreExtras, gstruct.Fields{
		"Type":   Equal(errorType),
		"Field":  Equal(path),
		"Detail": ContainSubstring(detailFragment),
	}))
}

// warning matches a warning by full path and a fragment of its message.
func warning(path, messageFragment string) gomegatypes.GomegaMatcher {
	return WithTransform(func(w validation.Warning) string { return w.String() },
		And(HavePrefix(path+": "), ContainSubstring(messageFragment)))
}

// limits are the defaults; tests that exercise limits set their own.
var limits = validation.DefaultLimits()
