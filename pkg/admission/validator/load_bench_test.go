// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator_test

import (
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// BenchmarkAdmissionReviewsOverTLS sends many concurrent AdmissionReviews over TLS to the real webhook server, running
// in its own process on loopback, as the kube-apiserver does when many Shoots are created at once. It reports throughput and the p50 and
// p99 latency seen by the client at several numbers of concurrent clients; docs/performance.md records the figures.
func BenchmarkAdmissionReviewsOverTLS(b *testing.B) {
	server := startServerProcess(b)
	defer func() {
		if err := server.shutdown(); err != nil {
			b.Error(err)
		}
	}()

	for _, load := range []struct{ entries, clientsPerCPU int }{{50, 1}, {50, 4}, {50, 16}, {1000, 1}, {1000, 4}} {
		entries := load.entries
		b.Run(fmt.Sprintf("entries=%d/clients=%d", entries, load.clientsPerCPU*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			body := review(request(admissionv1.Create, shootJSON("load", aclExtension(providerConfigWithEntries(entries))), nil))
			if status, review, err := server.post("application/json", body); err != nil || status != http.StatusOK || !review.Response.Allowed {
				b.Fatalf("warm-up review failed: status %d, %v, %+v", status, err, review)
			}

			var (
				mutex     sync.Mutex
				latencies []time.Duration
				failures  int
			)
			b.SetParallelism(load.clientsPerCPU)
			started := time.Now()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				local := make([]time.Duration, 0, 1024)
				localFailures := 0
				for pb.Next() {
					sent := time.Now()
					status, review, err := server.post("application/json", body)
					local = append(local, time.Since(sent))
					if err != nil || status != http.StatusOK || review == nil || !review.Response.Allowed {
						localFailures++
					}
				}
				mutex.Lock()
				latencies = append(latencies, local...)
				failures += localFailures
				mutex.Unlock()
			})
			elapsed := time.Since(started)
			b.StopTimer()

			reportLoad(b, latencies, failures, elapsed)
		})
	}
}

// BenchmarkAdmissionReviewsAtFixedRate sends AdmissionReviews at a fixed rate (open loop) to the webhook server in its
// own process, like a kube-apiserver
// serving a burst of Shoot creations, and reports the latency measured from each review's scheduled send time, so
// that a slow server cannot hide its delays by slowing the client down.
func BenchmarkAdmissionReviewsAtFixedRate(b *testing.B) {
	server := startServerProcess(b)
	defer func() {
		if err := server.shutdown(); err != nil {
			b.Error(err)
		}
	}()

	const workers = 64
	// The rates are the target for 50 entries and about three quarters of the measured capacity for 1000 entries.
	for _, load := range []struct{ entries, rate int }{{50, 2000}, {1000, 1000}} {
		entries, rate := load.entries, load.rate
		b.Run(fmt.Sprintf("entries=%d/rate=%d", entries, rate), func(b *testing.B) {
			body := review(request(admissionv1.Create, shootJSON("load", aclExtension(providerConfigWithEntries(entries))), nil))
			warmUp(b, server, body, workers)
			// At least two seconds of traffic, so that the percentiles rest on thousands of reviews.
			total := max(b.N, 2*rate)
			interval := time.Second / time.Duration(rate)

			var (
				mutex     sync.Mutex
				latencies = make([]time.Duration, 0, total)
				failures  int
				wg        sync.WaitGroup
			)
			scheduled := make(chan time.Time, total)
			for range workers {
				wg.Go(func() {
					for at := range scheduled {
						time.Sleep(time.Until(at))
						status, review, err := server.post("application/json", body)
						latency := time.Since(at)
						mutex.Lock()
						latencies = append(latencies, latency)
						if err != nil || status != http.StatusOK || review == nil || !review.Response.Allowed {
							failures++
						}
						mutex.Unlock()
					}
				})
			}

			b.ResetTimer()
			started := time.Now()
			for i := range total {
				scheduled <- started.Add(time.Duration(i) * interval)
			}
			close(scheduled)
			wg.Wait()
			elapsed := time.Since(started)
			b.StopTimer()

			reportLoad(b, latencies, failures, elapsed)
		})
	}
}

// warmUp opens the client's connections before measuring, as a long-running kube-apiserver has them open already.
func warmUp(b *testing.B, server *tlsServer, body []byte, connections int) {
	var wg sync.WaitGroup
	for range connections {
		wg.Go(func() {
			for range 10 {
				if _, _, err := server.post("application/json", body); err != nil {
					b.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

// reportLoad fails the benchmark if any review failed, and reports throughput and the p50 and p99 latencies.
func reportLoad(b *testing.B, latencies []time.Duration, failures int, elapsed time.Duration) {
	if failures > 0 {
		b.Fatalf("%d of %d reviews failed", failures, len(latencies))
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "reviews/s")
	b.ReportMetric(float64(percentile(latencies, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(latencies, 99).Microseconds())/1000, "p99-ms")
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}
