// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package garden_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

func TestGarden(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Integration Garden Harness Suite")
}

var garden *testenv.Garden

var _ = BeforeSuite(func(_ context.Context) {
	garden = testenv.StartGardenSuite()
}, NodeTimeout(3*time.Minute))
