// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gardener/gardener/pkg/apis/core"
	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// shootHandler validates the acl extensions of Shoots. It is written on controller-runtime's admission package rather
// than gardener's validator handler because it must return admission warnings next to the verdict.
type shootHandler struct {
	decoder shootDecoder
	limits  validation.Limits
	metrics *Metrics
	log     logr.Logger
}

// NewShootHandler returns an admission handler that validates every enabled acl extension of a Shoot with the shared
// validation library. decoder must decode Shoots into the internal version of core.gardener.cloud.
func NewShootHandler(decoder runtime.Decoder, limits validation.Limits, metrics *Metrics, log logr.Logger) admission.Handler {
	return &shootHandler{decoder: shootDecoder{full: decoder}, limits: limits, metrics: metrics, log: log}
}

// Handle implements admission.Handler.
func (h *shootHandler) Handle(ctx context.Context, req admission.Request) admission.Response {
	started := time.Now()
	response, result := h.handle(req)
	h.metrics.observe(req.Operation, result, len(response.Warnings), time.Since(started))
	return response
}

func (h *shootHandler) handle(req admission.Request) (admission.Response, string) {
	if req.Kind.Kind == "" {
		return admission.Errored(http.StatusBadRequest, fmt.Errorf("the AdmissionReview carries no request: expected a Shoot of %s", core.GroupName)), ResultErrored
	}
	if req.Kind.Group != core.GroupName || req.Kind.Kind != "Shoot" {
		return admission.Errored(http.StatusBadRequest, fmt.Errorf("this webhook validates Shoots of %s, not %s", core.GroupName, req.Kind.String())), ResultErrored
	}
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return admission.Allowed("only creates and updates are validated"), ResultAllowed
	}

	shoot, err := h.decoder.decode(req.Object.Raw)
	if err != nil {
		return admission.Errored(http.StatusBadRequest, fmt.Errorf("failed to decode the Shoot: %w", err)), ResultErrored
	}
	var oldShoot *core.Shoot
	if req.Operation == admissionv1.Update {
		if oldShoot, err = h.decoder.decode(req.OldObject.Raw); err != nil {
			return admission.Errored(http.StatusBadRequest, fmt.Errorf("failed to decode the old Shoot: %w", err)), ResultErrored
		}
	}

	result := validation.ValidateShootExtensions(validation.ExtensionsOfShoot(shoot), validation.ExtensionsOfShoot(oldShoot), h.limits)
	warnings := result.Warnings.Strings()
	if len(result.Errors) > 0 {
		h.log.V(1).Info("Rejecting Shoot with invalid ACL rules", "namespace", shoot.Namespace, "name", shoot.Name, "errors", len(result.Errors))
		status := apierrors.NewInvalid(core.Kind("Shoot"), shoot.Name, result.Errors).ErrStatus
		return admission.Response{AdmissionResponse: admissionv1.AdmissionResponse{Allowed: false, Result: &status, Warnings: warnings}}, ResultDenied
	}
	return admission.Allowed("").WithWarnings(warnings...), ResultAllowed
}
