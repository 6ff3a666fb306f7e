// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package pilot computes, with istio's own pilot code running offline, the xDS configuration an istio ingress gateway
// proxy receives for a set of Kubernetes and istio objects, and acts like Envoy on that configuration: it selects the
// listener and filter chain a connection reaches, the route an HTTP request takes, and runs the RBAC filters of a
// chain with test/envoyrbac. Everything it does not model is an error, never a guess.
//
// It lives in a nested Go module because istio's pilot needs newer istio.io/api and istio.io/client-go versions than
// the gardener release the extension builds against; see README.md.
package pilot
