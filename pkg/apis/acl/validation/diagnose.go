// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	levenshtein "github.com/texttheater/golang-levenshtein/levenshtein"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kjson "sigs.k8s.io/json"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
)

// diagnose walks the generic JSON document of a providerConfig that the strict decoders refused, reports every
// structural error with its field path, and returns whatever could be read so that the semantic checks can still
// report the problems of the readable parts.
func diagnose(raw []byte, root *field.Path) (*Decoded, field.ErrorList) {
	var document any
	strictErrs, err := kjson.UnmarshalStrict(raw, &document, kjson.DisallowDuplicateFields)
	if err != nil {
		return nil, field.ErrorList{field.Invalid(root, abbreviate(string(raw)), fmt.Sprintf("is not valid JSON: %v", err))}
	}

	var errs field.ErrorList
	for _, strictErr := range strictErrs {
		errs = append(errs, duplicateFieldError(root, strictErr))
	}

	object, ok := document.(map[string]any)
	if !ok {
		return nil, append(errs, field.TypeInvalid(root, document, "must be an object, e.g. "+exampleConfig))
	}

	walker := &walker{decoded: &Decoded{Config: &acl.ACLConfig{}}}
	_, hasAPIVersion := object["apiVersion"]
	_, hasKind := object["kind"]
	_, hasRule := object["rule"]
	switch {
	case hasAPIVersion || hasKind:
		walker.typed(object, root)
	case hasRule:
		walker.decoded.Form = FormLegacy
		walker.legacy(object, root)
	default:
		walker.decoded.Form = FormTyped
		walker.typed(object, root)
	}
	return walker.decoded, append(errs, walker.errs...)
}

type walker struct {
	decoded *Decoded
	errs    field.ErrorList
}

func (w *walker) typed(object map[string]any, root *field.Path) {
	w.unknownFields(object, root, typedFields, "rule is only valid in the legacy form without apiVersion and kind: move its action and cidrs into rules")

	w.constant(object, root, "apiVersion", typedAPIVersion)
	w.constant(object, root, "kind", typedKind)

	config := w.defaulted()
	if value, ok := object["type"]; ok {
		config.Type = acl.PrincipalType(w.str(value, root.Child("type"), "must be a string such as remote_ip"))
	}
	if value, ok := object["mode"]; ok {
		config.Mode = acl.Mode(w.str(value, root.Child("mode"), "must be a string: Enforce or Audit"))
	}

	value, ok := object["rules"]
	if !ok {
		return
	}
	rulesPath := root.Child("rules")
	rules, ok := value.([]any)
	if !ok {
		w.typeInvalid(rulesPath, value, `must be a list of rules such as [{"action": "ALLOW", "cidrs": ["203.0.113.0/24"]}]`)
		return
	}
	config.Rules = make([]acl.Rule, len(rules))
	for i, rule := range rules {
		rulePath := rulesPath.Index(i)
		ruleObject, ok := rule.(map[string]any)
		if !ok {
			w.typeInvalid(rulePath, rule, `must be an object such as {"action": "ALLOW", "cidrs": ["203.0.113.0/24"]}`)
			w.decoded.markUnreadable(rulePath.Child("action"))
			w.decoded.markUnreadable(rulePath.Child("cidrs"))
			continue
		}
		w.unknownFields(ruleObject, rulePath, ruleFields, "type applies to all rules: set it once at the top level of the providerConfig")
		config.Rules[i] = w.rule(ruleObject, rulePath)
	}
}

// defaulted replaces the configuration read so far, which is still empty, by the scheme's defaults; the fields read
// afterwards overwrite them, so that only missing fields keep their default.
func (w *walker) defaulted() *acl.ACLConfig {
	w.decoded.Config = defaults.DeepCopy()
	return w.decoded.Config
}

// constant checks a field that must hold exactly one value.
func (w *walker) constant(object map[string]any, root *field.Path, name, want string) {
	value, ok := object[name]
	switch {
	case !ok:
		w.errs = append(w.errs, field.Required(root.Child(name), fmt.Sprintf("the typed form needs %s: %s", name, want)))
	case value != want:
		w.errs = append(w.errs, field.NotSupported(root.Child(name), value, []string{want}))
	}
}

func (w *walker) legacy(object map[string]any, root *field.Path) {
	w.unknownFields(object, root, legacyFields, "rules need apiVersion and kind: use either the legacy rule or the typed form with apiVersion, kind and rules")

	rulePath := root.Child("rule")
	ruleObject, ok := object["rule"].(map[string]any)
	if !ok {
		w.typeInvalid(rulePath, object["rule"], `must be an object such as {"action": "ALLOW", "type": "remote_ip", "cidrs": ["203.0.113.0/24"]}`)
		w.decoded.markUnreadable(rulePath.Child("action"))
		w.decoded.markUnreadable(rulePath.Child("cidrs"))
		w.decoded.Config.Rules = []acl.Rule{{}}
		return
	}
	w.unknownFields(ruleObject, rulePath, legacyRules, "")

	config := w.defaulted()
	if value, ok := ruleObject["type"]; ok {
		config.Type = acl.PrincipalType(w.str(value, rulePath.Child("type"), "must be a string such as remote_ip"))
	}
	config.Rules = []acl.Rule{w.rule(ruleObject, rulePath)}
}

func (w *walker) rule(object map[string]any, rulePath *field.Path) acl.Rule {
	rule := acl.Rule{}
	if value, ok := object["action"]; ok {
		rule.Action = acl.Action(w.str(value, rulePath.Child("action"), "must be a string: ALLOW or DENY"))
	}

	value, ok := object["cidrs"]
	if !ok {
		return rule
	}
	cidrsPath := rulePath.Child("cidrs")
	cidrs, ok := value.([]any)
	if !ok {
		if value != nil {
			w.typeInvalid(cidrsPath, value, `must be a list of CIDRs such as ["10.250.0.0/16", "2001:db8::/32"]`)
		}
		return rule
	}
	rule.CIDRs = make([]string, len(cidrs))
	for j, cidr := range cidrs {
		rule.CIDRs[j] = w.str(cidr, cidrsPath.Index(j), `must be a string such as "10.250.0.0/16"`)
	}
	return rule
}

// str returns the value if it is a string; otherwise it reports a type error and marks the path unreadable.
func (w *walker) str(value any, path *field.Path, detail string) string {
	if text, ok := value.(string); ok {
		return text
	}
	w.typeInvalid(path, value, detail)
	return ""
}

func (w *walker) typeInvalid(path *field.Path, value any, detail string) {
	w.errs = append(w.errs, field.TypeInvalid(path, value, detail))
	w.decoded.markUnreadable(path)
}

// unknownFields reports every field of object that is not in known, suggesting the known field the person most
// likely meant. hint is added for rule, type and rules, which are known in the other form or at another level.
func (w *walker) unknownFields(object map[string]any, path *field.Path, known []string, hint string) {
	names := make([]string, 0, len(object))
	for name := range object {
		names = append(names, name)
	}
	sort.Strings(names)

	for _, name := range names {
		if contains(known, name) {
			continue
		}
		detail := fmt.Sprintf("unknown field %q: the known fields here are %s", name, strings.Join(known, ", "))
		if hint != "" && (name == "rule" || name == "rules" || name == "type") {
			detail = fmt.Sprintf("unknown field %q here: %s", name, hint)
		} else if closest := closestField(name, known); closest != "" {
			detail = fmt.Sprintf("unknown field %q: did you mean %q?", name, closest)
			if _, written := object[closest]; !written {
				// The misspelling is the finding; a second one about the field it stands for would be noise.
				w.decoded.markUnreadable(path.Child(closest))
			}
		}
		w.errs = append(w.errs, field.Forbidden(path.Child(name), detail))
	}
}

// closestField returns the known field within two edits of name (letter case ignored), if there is one.
func closestField(name string, known []string) string {
	best, bestDistance := "", 3
	for _, candidate := range known {
		distance := levenshtein.DistanceForStrings([]rune(strings.ToLower(name)), []rune(strings.ToLower(candidate)), levenshtein.DefaultOptions)
		if distance < bestDistance {
			best, bestDistance = candidate, distance
		}
	}
	return best
}

func contains(list []string, value string) bool {
	for _, item := range list {
		if item == value {
			return true
		}
	}
	return false
}

// duplicateFieldError turns a strict decoding error such as `duplicate field "rules[0].action"` into a field error
// at that path.
func duplicateFieldError(root *field.Path, err error) *field.Error {
	message := err.Error()
	start, end := strings.Index(message, `"`), strings.LastIndex(message, `"`)
	if start < 0 || end <= start {
		return field.Invalid(root, "", message)
	}
	return field.Invalid(jsonPath(root, message[start+1:end]), "", "is written more than once: keep only one of them")
}

// jsonPath converts a path in the JSON decoder's syntax (rules[0].cidrs) into a field path below root.
func jsonPath(root *field.Path, path string) *field.Path {
	result := root
	for _, segment := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(segment, "[")
		if name != "" {
			result = result.Child(name)
		}
		for rest != "" {
			index, remainder, _ := strings.Cut(rest, "]")
			if i, err := strconv.Atoi(index); err == nil {
				result = result.Index(i)
			}
			rest = strings.TrimPrefix(remainder, "[")
		}
	}
	return result
}

// abbreviate keeps error messages readable when a large body is not JSON.
func abbreviate(text string) string {
	const limit = 64
	if len(text) <= limit {
		return text
	}
	return text[:limit] + "..."
}
