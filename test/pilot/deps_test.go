// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

// The nested module must compile istio's pilot together with gardener's seed components, which test/gardenerseed
// calls to build the objects these tests feed to pilot. Importing them here keeps that combination checked even
// before a test uses them.
import (
	_ "github.com/gardener/gardener/pkg/component/kubernetes/apiserverexposure"
	_ "github.com/gardener/gardener/pkg/component/networking/istio"
)
