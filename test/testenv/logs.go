// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
)

// CapturedStderr holds what the process wrote to standard error since CaptureStderr.
type CapturedStderr struct {
	original *os.File
	file     *os.File
}

// CaptureStderr sends the process's standard error to the file at path until Restore. The binaries under test log to
// standard error through loggers created when they start, so components started after this call log into the file.
func CaptureStderr(path string) (*CapturedStderr, error) {
	file, err := os.Create(path) // #nosec G304 -- a test's own temporary file
	if err != nil {
		return nil, fmt.Errorf("failed to create %s: %w", path, err)
	}
	captured := &CapturedStderr{original: os.Stderr, file: file}
	os.Stderr = file
	return captured, nil
}

// Restore gives standard error back and returns what was captured.
func (c *CapturedStderr) Restore() ([]byte, error) {
	os.Stderr = c.original
	if err := c.file.Close(); err != nil {
		return nil, fmt.Errorf("failed to close %s: %w", c.file.Name(), err)
	}
	return os.ReadFile(c.file.Name())
}

// LeakedCredentials returns a description of every credential found in logs: PEM blocks, and any of the given secrets
// verbatim, base64-encoded, or by any of its long lines (for PEM material logged re-wrapped or escaped).
func LeakedCredentials(logs string, secrets ...[]byte) []string {
	var leaks []string
	for _, marker := range []string{"-----BEGIN", "PRIVATE KEY"} {
		if strings.Contains(logs, marker) {
			leaks = append(leaks, "PEM marker "+marker)
		}
	}
	for i, secret := range secrets {
		if len(secret) == 0 {
			continue
		}
		needles := []string{string(secret), base64.StdEncoding.EncodeToString(secret)}
		for _, line := range strings.Split(string(secret), "\n") {
			// Every long line of PEM material is distinctive on its own; short ones (and the markers) are not.
			if len(line) >= 16 && !strings.HasPrefix(line, "-----") {
				needles = append(needles, line)
			}
		}
		for _, needle := range needles {
			if strings.Contains(logs, needle) {
				leaks = append(leaks, fmt.Sprintf("secret %d", i))
				break
			}
		}
	}
	return leaks
}
