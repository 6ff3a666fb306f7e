// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime"
)

func addDefaultingFuncs(scheme *runtime.Scheme) error {
	return RegisterDefaults(scheme)
}

// SetDefaults_ACLConfig matches the original client address and enforces the rules unless the shoot owner chose
// otherwise.
func SetDefaults_ACLConfig(obj *ACLConfig) {
	if obj.Type == "" {
		obj.Type = PrincipalTypeRemoteIP
	}
	if obj.Mode == "" {
		obj.Mode = ModeEnforce
	}
}
