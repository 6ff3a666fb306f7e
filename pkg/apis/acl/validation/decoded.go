// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
)

// Form is the shape in which a providerConfig was written.
type Form int

const (
	// FormTyped is the versioned API: apiVersion acl.extensions.gardener.cloud/v1alpha1, kind ACLConfig, type, rules.
	FormTyped Form = iota
	// FormLegacy is the bare object used by shoots in the field before the typed API: {rule: {action, type, cidrs}}.
	FormLegacy
)

// Decoded is a providerConfig read into the internal API, with the form it was written in so that every field path
// points at the text the person wrote.
type Decoded struct {
	// Config is the decoded configuration. After a structural error it holds whatever could be read, with entries
	// that could not be read left empty and listed in unreadable.
	Config *acl.ACLConfig
	// Form is the form the providerConfig was written in.
	Form Form

	// unreadable holds the paths (as strings) of values whose structural error was already reported, so that the
	// semantic checks do not report them a second time. It is nil whenever decoding found no structural error.
	unreadable map[string]struct{}
}

// TypePath is the path of the principal type.
func (d *Decoded) TypePath(root *field.Path) *field.Path {
	if d.Form == FormLegacy {
		return root.Child("rule", "type")
	}
	return root.Child("type")
}

// ModePath is the path of the mode; the legacy form has none, its rule is enforced.
func (d *Decoded) ModePath(root *field.Path) *field.Path {
	return root.Child("mode")
}

// RulesPath is the path of the rule list (the single rule in the legacy form).
func (d *Decoded) RulesPath(root *field.Path) *field.Path {
	if d.Form == FormLegacy {
		return root.Child("rule")
	}
	return root.Child("rules")
}

// RulePath is the path of the i-th rule.
func (d *Decoded) RulePath(root *field.Path, i int) *field.Path {
	if d.Form == FormLegacy {
		return root.Child("rule")
	}
	return root.Child("rules").Index(i)
}

// CIDRPath is the path of the j-th CIDR of the i-th rule.
func (d *Decoded) CIDRPath(root *field.Path, i, j int) *field.Path {
	return d.RulePath(root, i).Child("cidrs").Index(j)
}

// EntriesPath is where a limit on the number of CIDR entries is reported.
func (d *Decoded) EntriesPath(root *field.Path) *field.Path {
	if d.Form == FormLegacy {
		return root.Child("rule", "cidrs")
	}
	return root.Child("rules")
}

func (d *Decoded) markUnreadable(path *field.Path) {
	if d.unreadable == nil {
		d.unreadable = map[string]struct{}{}
	}
	d.unreadable[path.String()] = struct{}{}
}

func (d *Decoded) isUnreadable(path *field.Path) bool {
	if d.unreadable == nil {
		return false
	}
	_, ok := d.unreadable[path.String()]
	return ok
}
