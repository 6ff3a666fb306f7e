// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator_test

import (
	"bytes"
	"crypto/tls"
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	admissionv1 "k8s.io/api/admission/v1"
)

var _ = Describe("Webhook server over TLS", Ordered, func() {
	var server *tlsServer

	BeforeAll(func() {
		handler, _ := newHandler()
		var err error
		server, err = startTLSServer(handler, GinkgoT().TempDir())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { Expect(server.shutdown()).To(Succeed()) })
	})

	// expectStillServing proves the server survived the previous request by getting a real verdict.
	expectStillServing := func() {
		status, review, err := server.post("application/json", review(request(admissionv1.Create, shootJSON("after", aclExtension(`{"rule":{"action":"ALLOW","cidrs":["10.0.0.0/8"]}}`)), nil)))
		Expect(err).NotTo(HaveOccurred())
		Expect(status).To(Equal(http.StatusOK))
		Expect(review.Response.Allowed).To(BeTrue())
		Expect(string(review.Response.UID)).To(Equal("review-1"))
	}

	It("answers a valid review with the verdict and the request UID", func() {
		status, review, err := server.post("application/json", review(request(admissionv1.Create, shootJSON("bad", aclExtension(`{"rule":{"action":"ALLOW","cidrs":["bad"]}}`)), nil)))
		Expect(err).NotTo(HaveOccurred())
		Expect(status).To(Equal(http.StatusOK))
		Expect(review.Response.Allowed).To(BeFalse())
		Expect(review.Response.Result.Message).To(ContainSubstring(`spec.extensions[0].providerConfig.rule.cidrs[0]: Invalid value: "bad"`))
		Expect(string(review.Response.UID)).To(Equal("review-1"))
	})

	DescribeTable("answers bad input at the HTTP boundary with a clear error and keeps serving",
		func(contentType string, body []byte, wantCode int32, wantMessage string) {
			status, review, err := server.post(contentType, body)
			Expect(err).NotTo(HaveOccurred())
			// controller-runtime answers every request that reached it with an AdmissionReview; the error is in it.
			Expect(status).To(Equal(http.StatusOK))
			Expect(review).NotTo(BeNil())
			Expect(review.Response.Allowed).To(BeFalse())
			Expect(review.Response.Result.Code).To(Equal(wantCode))
			Expect(review.Response.Result.Message).To(ContainSubstring(wantMessage))
			expectStillServing()
		},
		Entry("wrong content type", "text/plain", review(request(admissionv1.Create, shootJSON("x"), nil)), int32(http.StatusBadRequest), "contentType=text/plain, expected application/json"),
		Entry("empty body", "application/json", []byte{}, int32(http.StatusBadRequest), "request body is empty"),
		Entry("truncated body", "application/json", review(request(admissionv1.Create, shootJSON("x"), nil))[:200], int32(http.StatusBadRequest), "unexpected end of JSON input"),
		Entry("garbage JSON", "application/json", []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":[[[`), int32(http.StatusBadRequest), "couldn't get version/kind; json parse error"),
		Entry("a review without request", "application/json", []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), int32(http.StatusBadRequest), "the AdmissionReview carries no request: expected a Shoot of core.gardener.cloud"),
		Entry("a non-Shoot object", "application/json", func() []byte {
			req := request(admissionv1.Create, []byte(`{"apiVersion":"v1","kind":"Secret","data":{"k":"dg=="}}`), nil)
			req.Kind.Group, req.Kind.Kind = "", "Secret"
			return review(req)
		}(), int32(http.StatusBadRequest), "this webhook validates Shoots of core.gardener.cloud"),
		Entry("a Shoot review whose object is garbage", "application/json", review(request(admissionv1.Create, []byte(`{"apiVersion":"core.gardener.cloud/v1beta1","kind":"Shoot","spec":"x"}`), nil)), int32(http.StatusBadRequest), "failed to decode the Shoot"),
		Entry("a huge body above the 7 MiB limit", "application/json", bytes.Repeat([]byte(" "), 8<<20), int32(http.StatusRequestEntityTooLarge), "request entity is too large; limit is 7340032 bytes"),
	)

	It("refuses TLS versions below 1.2 and serves 1.2 and 1.3 without HTTP/2", func() {
		address, err := url.Parse(server.url)
		Expect(err).NotTo(HaveOccurred())
		for _, version := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
			_, err = tls.Dial("tcp", address.Host, &tls.Config{InsecureSkipVerify: true, MinVersion: version, MaxVersion: version}) //nolint:gosec // the point of the test
			Expect(err).To(HaveOccurred())
			Expect(strings.ToLower(err.Error())).To(ContainSubstring("protocol version"))
		}
		for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			connection, err := tls.Dial("tcp", address.Host, &tls.Config{InsecureSkipVerify: true, MinVersion: version, MaxVersion: version, NextProtos: []string{"h2", "http/1.1"}}) //nolint:gosec // only the version matters here
			Expect(err).NotTo(HaveOccurred())
			Expect(connection.ConnectionState().NegotiatedProtocol).NotTo(Equal("h2"))
			Expect(connection.Close()).To(Succeed())
		}
		expectStillServing()
	})
})
