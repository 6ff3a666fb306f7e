// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/install"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/v1alpha1"
)

// scheme holds every version of the API with its defaults and conversions. It is built in a variable initialiser
// rather than in init so that defaults, which needs it, is initialised after it.
var scheme = func() *runtime.Scheme {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	return scheme
}()

// strictDocument has every top-level field of both forms, so that one strict decoding pass reads either form and
// Decode tells them apart by which fields are present.
type strictDocument struct {
	APIVersion *string       `json:"apiVersion"`
	Kind       *string       `json:"kind"`
	Type       *string       `json:"type"`
	Mode       *string       `json:"mode"`
	Rules      *[]strictRule `json:"rules"`
	Rule       *legacyRule   `json:"rule"`
}

type strictRule struct {
	Action string     `json:"action"`
	CIDRs  stringList `json:"cidrs"`
}

// legacyRule is the single rule of v1alpha1.LegacyACLConfig, with cidrs read by the fast stringList decoder.
type legacyRule struct {
	Action string     `json:"action"`
	Type   string     `json:"type"`
	CIDRs  stringList `json:"cidrs"`
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

	// The strict decoder stops at the first structural error and names fields in its own syntax; walking the generic
	// document finds every error and reports it with a field path and a hint.
	decoded, errs := diagnose(raw, root)
	if len(errs) == 0 {
		errs = field.ErrorList{field.Invalid(root, "", fmt.Sprintf("cannot be decoded: %v", err))}
	}
	if decoded != nil {
		normalize(decoded.Config)
	}
	return decoded, errs
}

// errNotStrict makes Decode fall back to the diagnosis, which explains the problem with field paths.
var errNotStrict = errors.New("not a strictly valid providerConfig")

// decodeStrict decodes a structurally valid providerConfig in one pass without building a generic document, which
// keeps the common path cheap for large rule lists. The typed form goes through the scheme for defaulting and
// conversion into the internal version.
func decodeStrict(raw []byte) (*Decoded, error) {
	document := &strictDocument{}
	// encoding/json/v2 (its mirror module until Go 1.27) decodes in one pass where sigs.k8s.io/json first validates the
	// whole document; like sigs.k8s.io/json's strict mode it matches names case-sensitively and rejects unknown and
	// duplicate names.
	if err := jsonv2.Unmarshal(raw, document, jsonv2.RejectUnknownMembers(true)); err != nil {
		return nil, err
	}

	typedFields := document.APIVersion != nil || document.Kind != nil || document.Type != nil || document.Mode != nil || document.Rules != nil
	if document.Rule != nil {
		if typedFields {
			return nil, errNotStrict
		}
		legacy := &v1alpha1.LegacyACLConfig{Rule: &v1alpha1.LegacyRule{
			Action: v1alpha1.Action(document.Rule.Action),
			Type:   v1alpha1.PrincipalType(document.Rule.Type),
			CIDRs:  document.Rule.CIDRs,
		}}
		config, err := toInternal(legacy.ToACLConfig())
		if err != nil {
			return nil, err
		}
		return &Decoded{Config: config, Form: FormLegacy}, nil
	}
	if document.APIVersion == nil || *document.APIVersion != v1alpha1.SchemeGroupVersion.String() || document.Kind == nil || *document.Kind != typedKind {
		return nil, errNotStrict
	}

	versioned := &v1alpha1.ACLConfig{}
	if document.Type != nil {
		versioned.Type = v1alpha1.PrincipalType(*document.Type)
	}
	if document.Mode != nil {
		versioned.Mode = v1alpha1.Mode(*document.Mode)
	}
	if document.Rules != nil {
		versioned.Rules = make([]v1alpha1.Rule, len(*document.Rules))
		for i, rule := range *document.Rules {
			versioned.Rules[i] = v1alpha1.Rule{Action: v1alpha1.Action(rule.Action), CIDRs: rule.CIDRs}
		}
	}
	config, err := toInternal(versioned)
	if err != nil {
		return nil, err
	}
	return &Decoded{Config: config, Form: FormTyped}, nil
}

// toInternal defaults a versioned configuration and converts it into the internal version, both through the scheme:
// the defaulting functions registered there (v1alpha1.SetDefaults_ACLConfig) are the only place that knows the
// defaults, for both forms.
func toInternal(versioned *v1alpha1.ACLConfig) (*acl.ACLConfig, error) {
	scheme.Default(versioned)
	config := &acl.ACLConfig{}
	if err := scheme.Convert(versioned, config, nil); err != nil {
		return nil, fmt.Errorf("failed to convert the providerConfig to the internal version: %w", err)
	}
	return config, nil
}

// defaults is an empty configuration after defaulting: the diagnosis starts from a copy of it and overwrites the
// fields that were written, so that a missing field has the same default as in the strict decoder.
var defaults = func() *acl.ACLConfig {
	config, err := toInternal(&v1alpha1.ACLConfig{})
	utilruntime.Must(err)
	return config
}()

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
