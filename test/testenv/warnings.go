// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"context"
	"sync"
)

// WarningRecorder collects the warnings the API server returns, as kubectl prints them. Set it as a rest.Config's
// WarningHandlerWithContext.
type WarningRecorder struct {
	mutex    sync.Mutex
	warnings []string
}

// HandleWarningHeaderWithContext implements rest.WarningHandlerWithContext.
func (r *WarningRecorder) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, text string) {
	r.mutex.Lock()
	defer r.mutex.Unlock()
	r.warnings = append(r.warnings, text)
}

// Take returns the warnings recorded since the last call.
func (r *WarningRecorder) Take() []string {
	r.mutex.Lock()
	defer r.mutex.Unlock()
	taken := r.warnings
	r.warnings = nil
	return taken
}
