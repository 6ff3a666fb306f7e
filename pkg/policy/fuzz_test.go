// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package policy_test

import (
	"net/netip"
	"testing"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

// maxFuzzEntries bounds a generated rule set: the mutator keeps growing inputs, and checking every probe
// against every entry is quadratic, so large inputs would spend the fuzzing budget on a few huge rule sets.
// Nesting, adjacency and exceptions within the 2^18 addresses the chunks can name need far fewer entries.
const maxFuzzEntries = 64

// rulesFromBytes turns fuzz input into rules: each 6-byte chunk (3 for IPv4-sized input) is an action bit, a family
// bit, a prefix length and address bytes, so the fuzzer explores nesting, adjacency and exceptions directly.
func rulesFromBytes(data []byte) (*acl.ACLConfig, []netip.Addr) {
	data = data[:min(len(data), 6*maxFuzzEntries)]
	config := &acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP}
	var probes []netip.Addr
	for len(data) >= 6 {
		chunk := data[:6]
		data = data[6:]

		var addr netip.Addr
		if chunk[0]&2 == 0 {
			addr = netip.AddrFrom4([4]byte{10, chunk[3] & 3, chunk[4], chunk[5]})
		} else {
			bytes := netip.MustParseAddr("2001:db8::").As16()
			bytes[13], bytes[14], bytes[15] = chunk[3]&3, chunk[4], chunk[5]
			addr = netip.AddrFrom16(bytes)
		}
		bits := int(chunk[2]) % (addr.BitLen() + 1)
		prefix := netip.PrefixFrom(addr, bits).Masked()
		probes = append(probes, addr, prefix.Addr(), prefix.Addr().Prev())

		action := acl.ActionAllow
		if chunk[0]&1 == 1 {
			action = acl.ActionDeny
		}
		index := int(chunk[1]) % 4
		for len(config.Rules) <= index {
			config.Rules = append(config.Rules, acl.Rule{Action: action})
		}
		config.Rules[index].CIDRs = append(config.Rules[index].CIDRs, prefix.String())
	}
	for i := range config.Rules {
		if len(config.Rules[i].CIDRs) == 0 {
			config.Rules[i].CIDRs = []string{"192.0.2.0/24"}
		}
	}
	return config, probes
}

// FuzzCompile checks that compiling never panics, yields sorted non-overlapping prefixes, and decides every probe
// address exactly as the rule-by-rule semantics of Explain. Seeds live in testdata/fuzz/FuzzCompile.
func FuzzCompile(f *testing.F) {
	f.Add([]byte{0, 0, 8, 0, 0, 0, 1, 1, 24, 1, 2, 0})
	f.Add([]byte{2, 0, 120, 0, 0, 0, 3, 1, 128, 0, 0, 1})
	f.Add([]byte{1, 0, 0, 0, 0, 0})

	f.Fuzz(func(t *testing.T, data []byte) {
		config, probes := rulesFromBytes(data)
		if len(config.Rules) == 0 {
			t.Skip("the webhook and the controller refuse a providerConfig without rules: there is nothing to compile")
		}
		compiled, err := policytest.Compile(config)
		if err != nil {
			t.Fatalf("compile failed for generated rules %+v: %v", config.Rules, err)
		}

		prefixes := compiled.Prefixes()
		for i := 1; i < len(prefixes); i++ {
			if prefixes[i-1].Overlaps(prefixes[i]) || !prefixes[i-1].Addr().Less(prefixes[i].Addr()) {
				t.Fatalf("prefixes %s and %s overlap or are out of order", prefixes[i-1], prefixes[i])
			}
		}
		for _, addr := range probes {
			if !addr.IsValid() {
				continue
			}
			if policy.Explain(config, addr).Allowed != compiled.Allows(addr) {
				t.Fatalf("explain and compile disagree on %s for rules %+v", addr, config.Rules)
			}
		}
	})
}
