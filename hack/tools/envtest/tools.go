//go:build tools

// Package envtest pins the versions of the real kube-apiserver and etcd that the tests run against.
package envtest

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
