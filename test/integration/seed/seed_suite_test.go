// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package seed_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

func TestSeed(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Integration Seed Suite")
}

var seed *testenv.Seed

var _ = BeforeSuite(func(ctx context.Context) {
	seed = testenv.StartSeedSuite(ctx)
}, NodeTimeout(2*time.Minute))
