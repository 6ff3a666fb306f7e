// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// BuildBinary builds the main package (an import path of this module) into dir with the Go toolchain running the
// tests, and returns the binary's path. Go's build cache makes this cheap after the first time.
func BuildBinary(mainPackage, dir string) (string, error) {
	binary := filepath.Join(dir, filepath.Base(mainPackage))
	command := exec.Command("go", "build", "-o", binary, mainPackage) // #nosec G204 -- the tests' own packages
	command.Stdout, command.Stderr = os.Stdout, os.Stderr
	if err := command.Run(); err != nil {
		return "", fmt.Errorf("failed to build %s: %w", mainPackage, err)
	}
	return binary, nil
}

// StartProcess runs a built binary of the extension in its own process, with its standard output and error in
// logFile, until Stop is called (SIGTERM, as the kubelet stops a pod).
func StartProcess(binary, logFile string, args ...string) (*Component, error) {
	log, err := os.Create(logFile) // #nosec G304 -- a test's own temporary file
	if err != nil {
		return nil, fmt.Errorf("failed to create %s: %w", logFile, err)
	}
	command := exec.Command(binary, args...) // #nosec G204 -- the binary under test with the test's flags
	command.Stdout, command.Stderr = log, log
	if err := command.Start(); err != nil {
		return nil, fmt.Errorf("failed to start %s: %w", binary, err)
	}
	component := &Component{stopped: make(chan struct{})}
	component.stop = func() { _ = command.Process.Signal(syscall.SIGTERM) }
	go func() {
		defer close(component.stopped)
		component.err = command.Wait()
		_ = log.Close()
	}()
	return component, nil
}
