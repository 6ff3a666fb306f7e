// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
)

// SharedDataCache returns the ManagedResource data of the groups of RenderSharedGroups and keeps each group's data
// with a digest of what the group is rendered from (the gateway and the group's members, SharedGroupMembers), so that
// a group renders again only when that changed. A rule change of one shoot then renders the one or two groups it is a
// member of instead of the gateway's 129 or more EnvoyFilters. It is safe for concurrent use.
type SharedDataCache struct {
	mutex  sync.Mutex
	groups map[sharedGroupKey]sharedGroupData
}

type sharedGroupKey struct {
	namespace string
	group     int
}

type sharedGroupData struct {
	digest [sha256.Size]byte
	data   map[string][]byte
}

// Data returns ManagedResourceData of every group of RenderSharedGroups(gateway, shoots), indexed like the groups, nil
// for a group without EnvoyFilters. The returned maps are shared with the cache and must not be modified.
func (c *SharedDataCache) Data(gateway Gateway, shoots []SharedShoot) ([]map[string][]byte, error) {
	c.mutex.Lock()
	defer c.mutex.Unlock()
	if c.groups == nil {
		c.groups = map[sharedGroupKey]sharedGroupData{}
	}

	data := make([]map[string][]byte, SharedGroups)
	for group := range SharedGroups {
		members := SharedGroupMembers(gateway, shoots, group)
		// Everything a group is rendered from, encoded whole: a field added to Gateway or SharedShoot is part of the
		// digest without anyone remembering to add it.
		input, err := json.Marshal(struct {
			Gateway Gateway
			Group   int
			Members []SharedShoot
		}{gateway, group, members})
		if err != nil {
			return nil, fmt.Errorf("failed to encode the input of shared group %d of ingress namespace %s: %w", group, gateway.Namespace, err)
		}
		digest := sha256.Sum256(input)
		key := sharedGroupKey{namespace: gateway.Namespace, group: group}
		if cached, ok := c.groups[key]; ok && cached.digest == digest {
			data[group] = cached.data
			continue
		}

		filters, err := RenderSharedGroup(gateway, members, group)
		if err != nil {
			return nil, err
		}
		var groupData map[string][]byte
		if len(filters) > 0 {
			if groupData, err = ManagedResourceData(filters); err != nil {
				return nil, err
			}
		}
		c.groups[key] = sharedGroupData{digest: digest, data: groupData}
		data[group] = groupData
	}
	return data, nil
}

// Forget drops the cached groups of the gateways whose ingress namespaces keep does not hold.
func (c *SharedDataCache) Forget(keep func(namespace string) bool) {
	c.mutex.Lock()
	defer c.mutex.Unlock()
	for key := range c.groups {
		if !keep(key.namespace) {
			delete(c.groups, key)
		}
	}
}
