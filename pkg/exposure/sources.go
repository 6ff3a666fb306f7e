// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package exposure

import (
	"fmt"
	"net/netip"
	"strings"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	corev1 "k8s.io/api/core/v1"
)

// Sources are the objects that tell which sources must always reach a shoot's control plane.
type Sources struct {
	// Seed is the seed the shoot's control plane runs on: its node and pod networks reach the control plane.
	Seed *gardencorev1beta1.Seed
	// Shoot is the shoot: its node networks and egress CIDRs are where its nodes connect from.
	Shoot *gardencorev1beta1.Shoot
	// Infrastructure is the shoot's Infrastructure, whose status may report egress CIDRs; optional.
	Infrastructure *extensionsv1alpha1.Infrastructure
	// SeedShootInfo is the seed's kube-system/shoot-info ConfigMap when the seed is itself a shoot (managed seed): its
	// egress CIDRs are where the seed's own traffic leaves through the load balancer; optional.
	SeedShootInfo *corev1.ConfigMap
	// Additional are operator-configured CIDRs (--additional-allowed-cidrs).
	Additional []string
}

// AlwaysAllowed is the outcome of reading the always-allowed sources.
type AlwaysAllowed struct {
	// Prefixes are every always-allowed source prefix, as found (not yet merged).
	Prefixes []netip.Prefix
	// Names name the source of each prefix (e.g. "shoot egress CIDRs"), index by index.
	Names []string
	// EgressUnknown is set when the shoot has workers but no source reports where its nodes' traffic leaves from: the
	// rules alone might then lock the nodes out, which must be reported rather than applied silently.
	EgressUnknown bool
}

// ReadAlwaysAllowed collects the always-allowed source prefixes. A malformed CIDR in any source is an error: applying
// filters without it could lock out the very sources that must keep access.
func ReadAlwaysAllowed(sources Sources) (AlwaysAllowed, error) {
	var (
		result    AlwaysAllowed
		collector = prefixCollector{}
	)
	if seed := sources.Seed; seed != nil {
		if seed.Spec.Networks.Nodes != nil {
			collector.addList("seed node network", *seed.Spec.Networks.Nodes)
		}
		collector.addList("seed pod network", seed.Spec.Networks.Pods)
	}

	egressKnown := false
	if shoot := sources.Shoot; shoot != nil {
		if shoot.Spec.Networking != nil && shoot.Spec.Networking.Nodes != nil {
			collector.addList("shoot node network", *shoot.Spec.Networking.Nodes)
		}
		if status := shoot.Status.Networking; status != nil {
			collector.add("shoot node network", status.Nodes...)
			collector.add("shoot egress CIDRs", status.EgressCIDRs...)
			egressKnown = len(status.EgressCIDRs) > 0
		}
	}
	if infrastructure := sources.Infrastructure; infrastructure != nil {
		collector.add("Infrastructure egress CIDRs", infrastructure.Status.EgressCIDRs...)
		egressKnown = egressKnown || len(infrastructure.Status.EgressCIDRs) > 0
	}
	if info := sources.SeedShootInfo; info != nil {
		collector.addList("managed seed egress CIDRs", info.Data["egressCIDRs"])
	}
	collector.add("additional allowed CIDRs", sources.Additional...)

	if collector.err != nil {
		return AlwaysAllowed{}, collector.err
	}
	result.Prefixes = collector.prefixes
	result.Names = collector.names
	result.EgressUnknown = sources.Shoot != nil && len(sources.Shoot.Spec.Provider.Workers) > 0 && !egressKnown
	return result, nil
}

// prefixCollector parses CIDRs and keeps the first error, naming the source it came from.
type prefixCollector struct {
	prefixes []netip.Prefix
	names    []string
	err      error
}

// addList adds a comma-separated list of CIDRs, the form dual-stack networks take in single string fields.
func (c *prefixCollector) addList(source, list string) {
	for entry := range strings.SplitSeq(list, ",") {
		if entry = strings.TrimSpace(entry); entry != "" {
			c.add(source, entry)
		}
	}
}

func (c *prefixCollector) add(source string, cidrs ...string) {
	for _, cidr := range cidrs {
		prefix, err := netip.ParsePrefix(strings.TrimSpace(cidr))
		if err != nil {
			if c.err == nil {
				c.err = fmt.Errorf("failed to read the %s: %q is not a CIDR: %w", source, cidr, err)
			}
			continue
		}
		c.prefixes = append(c.prefixes, prefix.Masked())
		c.names = append(c.names, source)
	}
}
