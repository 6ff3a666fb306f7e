// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kjson "sigs.k8s.io/json"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/install"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/v1alpha1"
)

var strictDecoder runtime.Decoder

func init() {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	strictDecoder = serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDecoder()
}

// formHeader holds the fields that tell the two forms apart.
type formHeader struct {
	APIVersion *string         `json:"apiVersion"`
	Kind       *string         `json:"kind"`
	Rule       json.RawMessage `json:"rule"`
}

// legacyConfig is the providerConfig of shoots created before the typed API existed.
type legacyConfig struct {
	Rule *legacyRule `json:"rule"`
}

type legacyRule struct {
	Action string   `json:"action"`
	Type   string   `json:"type"`
	CIDRs  []string `json:"cidrs"`
}

// Decode reads a providerConfig (JSON) in either form into the internal API. Unknown, misspelled, duplicate and
// wrongly typed fields are errors naming the field; all of them are reported at once. Action and type are
// normalised to their canonical letter case when they name a valid value in any case. Decode returns a nil Config
// only when the input is not a JSON object at all.
func Decode(raw []byte, root *field.Path) (*Decoded, field.ErrorList) {
	if trimmed := bytes.TrimSpace(raw); len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil, field.ErrorList{field.Required(root, "the acl extension needs a providerConfig with rules, e.g. "+exampleConfig)}
	}

	decoded, err := decodeStrict(raw)
	if err == nil {
		normalize(decoded.Config)
		return decoded, nil
	}

	// The strict decoders stop at the first structural error and name fields in their own syntax; walking the
	// generic document finds every error and reports it with a field path and a hint.
	decoded, errs := diagnose(raw, root)
	if len(errs) == 0 {
		errs = field.ErrorList{field.Invalid(root, "", fmt.Sprintf("cannot be decoded: %v", err))}
	}
	if decoded != nil {
		normalize(decoded.Config)
	}
	return decoded, errs
}

// decodeStrict decodes a structurally valid providerConfig without building a generic document, which keeps the
// common path cheap for large rule lists.
func decodeStrict(raw []byte) (*Decoded, error) {
	header := &formHeader{}
	if err := kjson.UnmarshalCaseSensitivePreserveInts(raw, header); err != nil {
		return nil, err
	}

	if header.APIVersion != nil || header.Kind != nil {
		if header.Rule != nil {
			return nil, fmt.Errorf("rule belongs to the legacy form")
		}
		config := &acl.ACLConfig{}
		if _, _, err := strictDecoder.Decode(raw, nil, config); err != nil {
			return nil, err
		}
		return &Decoded{Config: config, Form: FormTyped}, nil
	}

	legacy := &legacyConfig{}
	strictErrs, err := kjson.UnmarshalStrict(raw, legacy)
	if err != nil {
		return nil, err
	}
	if len(strictErrs) > 0 || legacy.Rule == nil {
		return nil, fmt.Errorf("not a valid legacy providerConfig")
	}
	return &Decoded{Config: fromLegacy(legacy.Rule), Form: FormLegacy}, nil
}

func fromLegacy(rule *legacyRule) *acl.ACLConfig {
	config := &acl.ACLConfig{
		Type:  acl.PrincipalType(rule.Type),
		Rules: []acl.Rule{{Action: acl.Action(rule.Action), CIDRs: rule.CIDRs}},
	}
	if config.Type == "" {
		config.Type = acl.PrincipalType(v1alpha1.PrincipalTypeRemoteIP)
	}
	return config
}

// normalize writes action and type in their canonical letter case when they name a valid value in any case; other
// values stay as written so that messages quote them.
func normalize(config *acl.ACLConfig) {
	for _, principalType := range acl.PrincipalTypes {
		if strings.EqualFold(string(config.Type), string(principalType)) {
			config.Type = principalType
		}
	}
	for i := range config.Rules {
		for _, action := range acl.Actions {
			if strings.EqualFold(string(config.Rules[i].Action), string(action)) {
				config.Rules[i].Action = action
			}
		}
	}
}

// exampleConfig is shown wherever a person has to add something to an empty providerConfig.
const exampleConfig = `{"apiVersion": "acl.extensions.gardener.cloud/v1alpha1", "kind": "ACLConfig", "rules": [{"action": "ALLOW", "cidrs": ["203.0.113.0/24"]}]}`
