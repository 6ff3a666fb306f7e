// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator

import (
	"fmt"

	"github.com/gardener/gardener/pkg/apis/core"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	jsonv2 "github.com/go-json-experiment/json"
	"k8s.io/apimachinery/pkg/runtime"
)

// shootView is the part of a v1beta1 Shoot the validator reads. A Shoot has hundreds of fields; decoding and
// converting all of them was half the cost of a review, and reviews arrive in bursts when many Shoots change.
type shootView struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec struct {
		Extensions []gardencorev1beta1.Extension `json:"extensions"`
	} `json:"spec"`
}

// shootDecoder decodes the parts of a Shoot the validator reads into the internal version.
type shootDecoder struct {
	// full decodes any version of a Shoot completely; it is used for versions other than v1beta1.
	full runtime.Decoder
}

func (d shootDecoder) decode(raw []byte) (*core.Shoot, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("the request carries no object")
	}

	view := &shootView{}
	if err := jsonv2.Unmarshal(raw, view); err != nil {
		return nil, err
	}
	if view.APIVersion != gardencorev1beta1.SchemeGroupVersion.String() || view.Kind != "Shoot" {
		shoot := &core.Shoot{}
		if _, _, err := d.full.Decode(raw, nil, shoot); err != nil {
			return nil, err
		}
		return shoot, nil
	}

	shoot := &core.Shoot{}
	shoot.Name, shoot.Namespace = view.Metadata.Name, view.Metadata.Namespace
	shoot.Spec.Extensions = make([]core.Extension, len(view.Spec.Extensions))
	for i := range view.Spec.Extensions {
		if err := gardencorev1beta1.Convert_v1beta1_Extension_To_core_Extension(&view.Spec.Extensions[i], &shoot.Spec.Extensions[i], nil); err != nil {
			return nil, fmt.Errorf("failed to convert spec.extensions[%d]: %w", i, err)
		}
	}
	return shoot, nil
}
