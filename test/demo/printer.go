// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package demo

import (
	"fmt"
	"io"
	"strings"
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
