// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator_test

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// serverProcessEnv makes the test binary serve the webhook instead of running tests; see TestMain.
const serverProcessEnv = "ACL_WEBHOOK_SERVER_PROCESS"

// TestMain runs the webhook server as a separate process when asked to, so that load benchmarks measure a server
// whose garbage collector and scheduler are not shared with the load generator, as with a real kube-apiserver.
func TestMain(m *testing.M) {
	if dir := os.Getenv(serverProcessEnv); dir != "" {
		os.Exit(serveUntilStdinCloses(dir))
	}
	os.Exit(m.Run())
}

func serveUntilStdinCloses(certDir string) int {
	handler, _ := newHandler()
	server, err := startTLSServer(handler, certDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ca, err := os.ReadFile(certDir + "/ca.crt")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("%s %s\n", server.url, base64.StdEncoding.EncodeToString(ca))
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := server.shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startServerProcess starts the webhook server in a child process and returns a client for it.
func startServerProcess(b *testing.B) *tlsServer {
	command := exec.Command(os.Args[0], "-test.run=^$")
	command.Env = append(os.Environ(), serverProcessEnv+"="+b.TempDir())
	command.Stderr = os.Stderr
	stdin, err := command.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := command.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := command.Start(); err != nil {
		b.Fatal(err)
	}

	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("webhook server process did not start: %v", err)
	}
	url, encodedCA, _ := strings.Cut(strings.TrimSpace(line), " ")
	ca, err := base64.StdEncoding.DecodeString(encodedCA)
	if err != nil {
		b.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)

	done := make(chan error, 1)
	go func() { done <- command.Wait() }()
	return &tlsServer{
		url: url,
		client: &http.Client{
			Timeout:   10 * time.Second,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: 128},
		},
		stop: func() { _ = stdin.Close() },
		done: done,
	}
}
