// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package admission

import (
	"crypto/tls"
)

// HardenTLS configures the webhook server's TLS: TLS 1.2 or newer, and HTTP/1.1 only, because HTTP/2 stream handling
// has been the subject of denial-of-service advisories and the kube-apiserver talks HTTP/1.1 to webhooks just as well.
func HardenTLS(config *tls.Config) {
	config.MinVersion = tls.VersionTLS12
	config.NextProtos = []string{"http/1.1"}
}
