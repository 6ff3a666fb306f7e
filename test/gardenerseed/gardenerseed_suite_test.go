// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestGardenerSeed(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Gardener Seed Fixture Suite")
}
