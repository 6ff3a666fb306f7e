// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv_test

import (
	"encoding/base64"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

var _ = Describe("LeakedCredentials", func() {
	key := []byte("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBmiddleLineOfTheKey0123456789abcdef\nAwEHoUQDQgAE\n-----END EC PRIVATE KEY-----\n")

	DescribeTable("finds a credential however it was logged",
		func(logs string, leaks int) {
			Expect(testenv.LeakedCredentials(logs, key, nil, []byte("token-xyz"))).To(HaveLen(leaks))
		},
		Entry("clean logs", `{"level":"info","msg":"Starting the manager"}`, 0),
		Entry("a PEM key verbatim", "msg="+string(key), 3),
		Entry("base64-encoded", `{"data":"`+base64.StdEncoding.EncodeToString(key)+`"}`, 1),
		Entry("re-wrapped, only its middle line", `"key":"MHcCAQEEIBmiddleLineOfTheKey0123456789abcdef"`, 1),
		Entry("a token", "Authorization: Bearer token-xyz", 1),
	)
})
