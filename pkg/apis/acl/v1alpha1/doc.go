// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// +k8s:deepcopy-gen=package
// +k8s:conversion-gen=github.com/gardener-community/gardener-extension-acl/pkg/apis/acl
// +k8s:defaulter-gen=TypeMeta
// +groupName=acl.extensions.gardener.cloud

// Package v1alpha1 is the v1alpha1 version of the ACL extension's API: its providerConfig and providerStatus.
package v1alpha1
