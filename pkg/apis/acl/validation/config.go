// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
)

// Result is the outcome of validating one providerConfig.
type Result struct {
	// Decoded is the decoded configuration; nil when the providerConfig is not a JSON object.
	Decoded *Decoded
	// Policy is the compiled allowed set; nil when there are errors.
	Policy *policy.Policy
	// Errors make the configuration invalid.
	Errors field.ErrorList
	// Warnings are returned alongside a valid or invalid configuration.
	Warnings Warnings
	// Enforced holds, by rule and entry, the prefix each entry is enforced as (EnforceProviderConfig only); an
	// invalid prefix for entries with errors.
	Enforced [][]netip.Prefix
}

// ValidateProviderConfig decodes, validates and compiles a providerConfig. root is the path of the providerConfig
// (spec.extensions[i].providerConfig in a Shoot). oldRaw is the providerConfig before an update, nil on create: entries
// that are not canonical but unambiguous are accepted with a warning when the old configuration had them already.
func ValidateProviderConfig(raw, oldRaw []byte, root *field.Path, limits Limits) Result {
	decoded, errs := Decode(raw, root)
	if decoded == nil {
		return Result{Errors: errs}
	}
	return validate(decoded, errs, &configValidator{decoded: decoded, root: root, oldRaw: oldRaw}, limits)
}

// EnforceProviderConfig decodes and compiles a providerConfig that the API server already stored, the way the
// controller enforces it. The webhook admits entries on update that it refuses on create (unchanged
// providerConfigs, ratcheted entries), and shoots of the existing ACL extension were admitted before the webhook
// existed: every entry with a single unambiguous meaning is therefore enforced as Envoy matched it, with a warning
// instead of an error. Non-canonical entries are masked as Envoy masks them (10.1.2.3/8 is 10.0.0.0/8), and
// IPv4-mapped IPv6 entries count as the IPv4 prefix Envoy matched for them under the existing extension (see
// envoyMapped). Everything else is validated as on create.
func EnforceProviderConfig(raw []byte, root *field.Path, limits Limits) Result {
	decoded, errs := Decode(raw, root)
	if decoded == nil {
		return Result{Errors: errs}
	}
	return validate(decoded, errs, &configValidator{decoded: decoded, root: root, enforce: true}, limits)
}

func validate(decoded *Decoded, errs field.ErrorList, v *configValidator, limits Limits) Result {
	result := Result{Decoded: decoded, Errors: errs}
	root := v.root
	v.validate(limits)
	result.Errors = append(result.Errors, v.errs...)
	result.Warnings = v.warnings
	result.Enforced = v.enforced
	if len(result.Errors) > 0 {
		return result
	}

	compiled, err := policy.Build(decoded.Config.Type, v.policyEntries())
	if err != nil {
		// Unreachable for validated input; refusing is the safe answer if it ever happens.
		result.Errors = append(result.Errors, field.InternalError(root, err))
		return result
	}
	if compiled.Len() > limits.MaxCompiledPrefixes {
		tooMany := field.TooMany(decoded.EntriesPath(root), compiled.Len(), limits.MaxCompiledPrefixes)
		tooMany.Detail = fmt.Sprintf("the rules compile to %d prefixes, more than the maximum of %d: merge adjacent CIDRs or use fewer DENY exceptions inside ALLOW ranges", compiled.Len(), limits.MaxCompiledPrefixes)
		result.Errors = append(result.Errors, tooMany)
		return result
	}
	if compiled.Len() == 0 {
		result.Warnings = append(result.Warnings, Warning{Field: decoded.RulesPath(root), Message: "the rules admit no source at all: only the sources that are always admitted (the seed, the shoot's own nodes and egress addresses, the operator's additional CIDRs) reach the kube-apiserver: make sure this is intended, or add an ALLOW entry outside the DENY entries"})
	}
	compiled.Mode = decoded.Config.Mode
	result.Policy = compiled
	return result
}

// configValidator holds the state of one validation run.
type configValidator struct {
	decoded  *Decoded
	root     *field.Path
	oldRaw   []byte
	oldCIDRs map[string]struct{}
	// enforce accepts every entry with a single meaning as Envoy matched it (EnforceProviderConfig).
	enforce bool
	// enforced records the prefix of each entry when enforce is set.
	enforced [][]netip.Prefix

	// allow and deny are the valid entries by action; once redundancy has been checked, only the outermost ones,
	// sorted by address.
	allow, deny  []entry
	hasAllowRule bool

	errs     field.ErrorList
	warnings Warnings
}

func (v *configValidator) validate(limits Limits) {
	config := v.decoded.Config
	v.validateType(config.Type)
	v.validateMode(config.Mode)

	if len(config.Rules) == 0 && !v.decoded.isUnreadable(v.decoded.RulesPath(v.root)) {
		v.errs = append(v.errs, field.Required(v.decoded.RulesPath(v.root), `add at least one rule, e.g. {"action": "ALLOW", "cidrs": ["203.0.113.0/24"]}`))
		return
	}

	total := 0
	for _, rule := range config.Rules {
		total += len(rule.CIDRs)
	}
	if total > limits.MaxEntries {
		tooMany := field.TooMany(v.decoded.EntriesPath(v.root), total, limits.MaxEntries)
		tooMany.Detail = fmt.Sprintf("the rules have %d CIDR entries, more than the maximum of %d: merge adjacent CIDRs into shorter prefixes", total, limits.MaxEntries)
		v.errs = append(v.errs, tooMany)
		// Parsing an oversized list would only repeat the same advice at a high cost.
		return
	}

	v.allow = make([]entry, 0, total)
	for i, rule := range config.Rules {
		// Field paths allocate; they are built only for findings, which keeps large valid rule sets cheap.
		rulePath := v.decoded.RulePath(v.root, i)
		validAction := v.validateAction(rule, rulePath)
		v.hasAllowRule = v.hasAllowRule || rule.Action == acl.ActionAllow

		if len(rule.CIDRs) == 0 && !v.decoded.isUnreadable(rulePath.Child("cidrs")) {
			switch rule.Action {
			case acl.ActionAllow:
				v.errs = append(v.errs, field.Required(rulePath.Child("cidrs"), "an ALLOW rule needs at least one CIDR, e.g. 203.0.113.0/24; without one it would deny every source"))
			case acl.ActionDeny:
				v.warn(rulePath.Child("cidrs"), "this DENY rule has no CIDRs and denies nothing: add CIDRs or remove the rule")
			}
		}

		if v.enforce {
			v.enforced = append(v.enforced, make([]netip.Prefix, len(rule.CIDRs)))
		}
		for j, text := range rule.CIDRs {
			prefix, ok := v.validateCIDR(text, i, j)
			if ok && v.enforce {
				v.enforced[i][j] = prefix
			}
			if !ok || !validAction {
				continue
			}
			e := newEntry(prefix, i, j)
			if rule.Action == acl.ActionAllow {
				v.allow = append(v.allow, e)
				if prefix.Bits() == 0 {
					v.warn(v.decoded.CIDRPath(v.root, i, j), fmt.Sprintf("allows every %s source: make sure this is intended, or list the networks that need access", family(prefix.Addr())))
				}
			} else {
				v.deny = append(v.deny, e)
			}
		}
	}

	// The outermost entries have the same union as all of them: from here on they stand for the rules.
	v.allow = v.warnRedundant(v.allow)
	v.deny = v.warnRedundant(v.deny)
	v.warnIneffective(v.allow, v.deny)
}

// policyEntries returns the valid entries, sorted by address, for the compiler.
func (v *configValidator) policyEntries() policy.Entries {
	entries := policy.Entries{
		Allow:        make([]netip.Prefix, 0, len(v.allow)),
		Deny:         make([]netip.Prefix, 0, len(v.deny)),
		HasAllowRule: v.hasAllowRule,
	}
	for _, e := range v.allow {
		entries.Allow = append(entries.Allow, e.prefix())
	}
	for _, e := range v.deny {
		entries.Deny = append(entries.Deny, e.prefix())
	}
	return entries
}

func (v *configValidator) validateType(principalType acl.PrincipalType) {
	path := v.decoded.TypePath(v.root)
	if v.decoded.isUnreadable(path) {
		return
	}
	switch principalType {
	case acl.PrincipalTypeRemoteIP, acl.PrincipalTypeDirectRemoteIP:
	case acl.PrincipalTypeSourceIP:
		v.warn(path, "source_ip is deprecated in Envoy: write remote_ip, its replacement, which also honours the PROXY protocol (direct_remote_ip would match the load balancer instead)")
	default:
		v.errs = append(v.errs, field.NotSupported(path, principalType, acl.PrincipalTypes))
	}
}

func (v *configValidator) validateMode(mode acl.Mode) {
	if mode == acl.ModeEnforce {
		// The default needs no finding; returning before the path is built keeps the common case free of allocations.
		return
	}
	path := v.decoded.ModePath(v.root)
	if v.decoded.isUnreadable(path) {
		return
	}
	switch mode {
	case acl.ModeAudit:
		v.warnings = append(v.warnings, auditWarning(path))
	default:
		v.errs = append(v.errs, field.NotSupported(path, mode, acl.Modes))
	}
}

// auditWarning reminds the person that rules in Audit mode protect nothing.
func auditWarning(path *field.Path) Warning {
	return Warning{Field: path, Message: "the rules are audited: Envoy evaluates and counts them but blocks no source, so every source reaches the control plane until mode is Enforce (see docs/usage.md, \"Try rules in Audit mode\")"}
}

func (v *configValidator) validateAction(rule acl.Rule, rulePath *field.Path) bool {
	path := rulePath.Child("action")
	switch {
	case v.decoded.isUnreadable(path):
		return false
	case rule.Action == acl.ActionAllow || rule.Action == acl.ActionDeny:
		return true
	case rule.Action == "":
		v.errs = append(v.errs, field.Required(path, "write ALLOW or DENY"))
	default:
		v.errs = append(v.errs, field.NotSupported(path, rule.Action, acl.Actions))
	}
	return false
}

// validateCIDR checks the j-th entry of the i-th rule and returns its prefix when it may be compiled.
func (v *configValidator) validateCIDR(text string, i, j int) (netip.Prefix, bool) {
	if v.decoded.unreadable != nil && v.decoded.isUnreadable(v.decoded.CIDRPath(v.root, i, j)) {
		return netip.Prefix{}, false
	}
	prefix, finding := parseCIDR(text)
	if finding == nil {
		return prefix, true
	}
	path := v.decoded.CIDRPath(v.root, i, j)
	if finding.ratchetable && v.hadBefore(text) {
		v.warn(path, fmt.Sprintf("%q %s; it is accepted because the shoot already had it", text, finding.detail))
		return prefix, true
	}
	if v.enforce && finding.ratchetable {
		v.warn(path, fmt.Sprintf("%q %s; it is enforced as %s", text, finding.detail, prefix))
		return prefix, true
	}
	if v.enforce && finding.enforced.IsValid() {
		v.warn(path, fmt.Sprintf("%q %s; it is enforced as %s, the prefix Envoy matched for it under the existing ACL extension (write %s to keep that)", text, finding.detail, finding.enforced, finding.enforced))
		return finding.enforced, true
	}
	v.errs = append(v.errs, field.Invalid(path, text, finding.detail))
	return netip.Prefix{}, false
}

// hadBefore reports whether the old configuration of an update contains exactly this entry. The old configuration
// is only read when a non-canonical entry needs it.
func (v *configValidator) hadBefore(text string) bool {
	if v.oldRaw == nil {
		return false
	}
	if v.oldCIDRs == nil {
		v.oldCIDRs = map[string]struct{}{}
		if old, _ := Decode(v.oldRaw, v.root); old != nil {
			for _, rule := range old.Config.Rules {
				for _, cidr := range rule.CIDRs {
					v.oldCIDRs[cidr] = struct{}{}
				}
			}
		}
	}
	_, ok := v.oldCIDRs[text]
	return ok
}

// warnRedundant warns about entries that repeat or lie inside another entry of the same action. Sorting by address
// and then by prefix length puts every container before the entries it contains, so a stack of open containers
// finds all of them in one pass. It returns the outermost entries, those inside no other: sorted, disjoint, and with
// the same union as all entries. They are written over entries, whose order it changes anyway.
func (v *configValidator) warnRedundant(entries []entry) []entry {
	groupFamilies(entries)
	slices.SortFunc(entries, compareEntries)

	var redundant []entryFinding
	stack := make([]entry, 0, 8)
	// Every entry is read before an outermost one is written to its place or an earlier one.
	outermost := entries[:0]
	for _, current := range entries {
		for len(stack) > 0 && !stack[len(stack)-1].contains(current) {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			stack = append(stack, current)
			outermost = append(outermost, current)
			continue
		}
		container := stack[len(stack)-1]
		containerPath := v.entryPath(container)
		message := fmt.Sprintf("is already covered by %s at %s: remove it", container.prefix(), containerPath)
		if container.samePrefix(current) {
			message = fmt.Sprintf("repeats %s, written at %s: remove one of them", current.prefix(), containerPath)
		} else {
			stack = append(stack, current)
		}
		redundant = append(redundant, entryFinding{entry: current, message: message})
	}

	v.warnInWrittenOrder(redundant)
	return outermost
}

// entryFinding is a warning about one entry of the rules.
type entryFinding struct {
	entry
	message string
}

// warnInWrittenOrder reports findings about entries in the order the entries were written, not in address order.
func (v *configValidator) warnInWrittenOrder(findings []entryFinding) {
	slices.SortFunc(findings, func(a, b entryFinding) int {
		return cmp.Or(cmp.Compare(a.rule, b.rule), cmp.Compare(a.index, b.index))
	})
	for _, f := range findings {
		v.warn(v.entryPath(f.entry), f.message)
	}
}

// groupFamilies moves the IPv4 entries before the IPv6 entries, keeping the order within each family. Lists written
// in address order then sort in linear time even when they mix the families, instead of in n·log(n).
func groupFamilies(entries []entry) {
	count6 := 0
	for _, e := range entries {
		if e.is6 {
			count6++
		}
	}
	if count6 == 0 || count6 == len(entries) {
		return
	}
	ipv6 := make([]entry, 0, count6)
	ipv4 := entries[:0]
	for _, e := range entries {
		if e.is6 {
			ipv6 = append(ipv6, e)
		} else {
			ipv4 = append(ipv4, e)
		}
	}
	copy(entries[len(ipv4):], ipv6)
}

func containsPrefix(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// entryPath is the field path of an entry.
func (v *configValidator) entryPath(e entry) *field.Path {
	return v.decoded.CIDRPath(v.root, int(e.rule), int(e.index))
}

func (v *configValidator) warn(path *field.Path, message string) {
	v.warnings = append(v.warnings, Warning{Field: path, Message: message})
}
