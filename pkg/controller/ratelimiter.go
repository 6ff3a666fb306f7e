// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"time"

	"golang.org/x/time/rate"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

const (
	// DefaultMaxRetryDelay is the longest a failing shoot waits for its next attempt by default.
	DefaultMaxRetryDelay = time.Minute

	firstRetryDelay = 5 * time.Millisecond
)

// NewRetryRateLimiter returns controller-runtime's default rate limiter with the per-shoot exponential backoff capped
// at maxDelay instead of 1000 s. Every shoot whose reconcile fails during a seed API server outage backs off; with the
// default cap, changes made during a long outage could wait a quarter of an hour after the API server is back. The
// overall bucket (10 per second, bursts of 100) still protects the API server when thousands of shoots retry at once.
func NewRetryRateLimiter(maxDelay time.Duration) workqueue.TypedRateLimiter[reconcile.Request] {
	return workqueue.NewTypedMaxOfRateLimiter(
		workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](firstRetryDelay, maxDelay),
		&workqueue.TypedBucketRateLimiter[reconcile.Request]{Limiter: rate.NewLimiter(rate.Limit(10), 100)},
	)
}
