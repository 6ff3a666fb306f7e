// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Command demo runs the ACL extension end-to-end on this machine (make demo). DEMO_KEEP=1 keeps it running.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager/signals"

	"github.com/gardener-community/gardener-extension-acl/test/demo"
)

func main() {
	// The in-process API servers and components log for operators; the demo prints its own walkthrough.
	logf.SetLogger(logr.Discard())
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)
	dir, err := filepath.Abs(filepath.Join("bin", "demo"))
	if err == nil {
		err = os.MkdirAll(dir, 0o750)
	}
	if err == nil {
		err = demo.Run(signals.SetupSignalHandler(), demo.Options{Out: os.Stdout, Keep: os.Getenv("DEMO_KEEP") == "1", KubeconfigDir: dir})
	}
	if err != nil {
		fmt.Fprintf(os.Stdout, "demo failed: %v\n", err)
		os.Exit(1)
	}
}
