// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	secretsutils "github.com/gardener/gardener/pkg/utils/secrets"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	acladmission "github.com/gardener-community/gardener-extension-acl/pkg/admission"
	"github.com/gardener-community/gardener-extension-acl/pkg/admission/validator"
)

// tlsServer is the controller-runtime webhook server the admission component runs, serving the Shoot handler over
// TLS on a loopback port with a freshly generated CA and serving certificate.
type tlsServer struct {
	url    string
	client *http.Client
	stop   context.CancelFunc
	done   chan error
}

func startTLSServer(handler admission.Handler, certDir string) (*tlsServer, error) {
	caPool, err := writeServingCertificate(certDir)
	if err != nil {
		return nil, err
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := listener.Addr().(*net.TCPAddr).Port
	if err := listener.Close(); err != nil {
		return nil, err
	}

	server := webhook.NewServer(webhook.Options{
		Host:    "127.0.0.1",
		Port:    port,
		CertDir: certDir,
		TLSOpts: []func(*tls.Config){acladmission.HardenTLS},
	})
	server.Register(validator.Path, &admission.Webhook{Handler: handler, RecoverPanic: ptr.To(true)})

	ctx, stop := context.WithCancel(context.Background())
	s := &tlsServer{
		url:  fmt.Sprintf("https://127.0.0.1:%d%s", port, validator.Path),
		stop: stop,
		done: make(chan error, 1),
		client: &http.Client{
			Timeout: 10 * time.Second,
			Transport: &http.Transport{
				TLSClientConfig:     &tls.Config{RootCAs: caPool, MinVersion: tls.VersionTLS12},
				MaxIdleConnsPerHost: 64,
			},
		},
	}
	go func() { s.done <- server.Start(ctx) }()

	deadline := time.Now().Add(10 * time.Second)
	for {
		connection, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{RootCAs: caPool, MinVersion: tls.VersionTLS12})
		if err == nil {
			return s, connection.Close()
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("webhook server did not start: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *tlsServer) shutdown() error {
	s.stop()
	return <-s.done
}

// post sends a raw body with a content type and returns the status code and the decoded AdmissionReview, if any.
func (s *tlsServer) post(contentType string, requestBody []byte) (int, *admissionv1.AdmissionReview, error) {
	request, err := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(requestBody))
	if err != nil {
		return 0, nil, err
	}
	request.Header.Set("Content-Type", contentType)
	response, err := s.client.Do(request)
	if err != nil {
		return 0, nil, err
	}
	defer response.Body.Close()
	// Reading the body to its end lets the transport reuse the connection instead of making a new TLS handshake.
	body, err := io.ReadAll(response.Body)
	if err != nil {
		return response.StatusCode, nil, err
	}
	review := &admissionv1.AdmissionReview{}
	if err := json.Unmarshal(body, review); err != nil {
		return response.StatusCode, nil, nil //nolint:nilerr // a body that is no review is what some tests expect
	}
	return response.StatusCode, review, nil
}

// review wraps a request into the AdmissionReview body the kube-apiserver sends.
func review(req admission.Request) []byte {
	body, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metavOf("admission.k8s.io/v1", "AdmissionReview"),
		Request:  &req.AdmissionRequest,
	})
	if err != nil {
		panic(err)
	}
	return body
}

// writeServingCertificate writes a CA-signed serving certificate for 127.0.0.1 into dir, as gardener's webhook
// certificate management does, and returns a pool with the CA.
func writeServingCertificate(dir string) (*x509.CertPool, error) {
	ca, err := (&secretsutils.CertificateSecretConfig{Name: "ca-acl-webhook", CommonName: "ca-acl-webhook", CertType: secretsutils.CACert}).GenerateCertificate()
	if err != nil {
		return nil, fmt.Errorf("failed to generate the CA: %w", err)
	}
	serving, err := (&secretsutils.CertificateSecretConfig{
		Name:        "acl-webhook-server",
		CommonName:  "127.0.0.1",
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		CertType:    secretsutils.ServerCert,
		SigningCA:   ca,
	}).GenerateCertificate()
	if err != nil {
		return nil, fmt.Errorf("failed to generate the serving certificate: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.crt"), serving.CertificatePEM, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.key"), serving.PrivateKeyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "ca.crt"), ca.CertificatePEM, 0o600); err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.CertificatePEM)
	return pool, nil
}
