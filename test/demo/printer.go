// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package demo

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
)

// printer writes the walkthrough: numbered steps and indented details.
type printer struct {
	w     io.Writer
	steps int
}

func (p *printer) step(text string) {
	p.steps++
	fmt.Fprintf(p.w, "\n==> %d. %s\n", p.steps, text)
}

func (p *printer) indent(text string) {
	for line := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(p.w, "    %s\n", line)
	}
}

// warningRecorder collects the warnings the API server returns, as kubectl prints them.
type warningRecorder struct {
	mutex    sync.Mutex
	warnings []string
}

// HandleWarningHeaderWithContext implements rest.WarningHandlerWithContext.
func (r *warningRecorder) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, text string) {
	r.mutex.Lock()
	defer r.mutex.Unlock()
	r.warnings = append(r.warnings, text)
}

func (r *warningRecorder) take() []string {
	r.mutex.Lock()
	defer r.mutex.Unlock()
	taken := r.warnings
	r.warnings = nil
	return taken
}
