// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// +k8s:deepcopy-gen=package
// +groupName=acl.extensions.gardener.cloud

// Package acl is the internal version of the ACL extension's API: its providerConfig and providerStatus.
package acl
