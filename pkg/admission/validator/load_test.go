// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	admissionv1 "k8s.io/api/admission/v1"
)

// loadDuration bounds the sustained load run in make test; BenchmarkAdmissionReviewsAtFixedRate measures latency.
const loadDuration = 4 * time.Second

var _ = Describe("Webhook server under sustained concurrent load", func() {
	It("answers every review correctly, with no error, and its heap does not grow with the number of reviews", func() {
		handler, _ := newHandler()
		server, err := startTLSServer(handler, GinkgoT().TempDir())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { Expect(server.shutdown()).To(Succeed()) })

		// A mix of verdicts: large valid rule sets, invalid ones, and Shoots without the extension.
		var entries []string
		for i := range 200 {
			entries = append(entries, fmt.Sprintf(`"10.%d.%d.0/24"`, i/256, i%256))
		}
		bodies := []struct {
			body    []byte
			allowed bool
		}{
			{review(request(admissionv1.Create, shootJSON("large", aclExtension(`{"rule":{"action":"ALLOW","cidrs":[`+strings.Join(entries, ",")+`]}}`)), nil)), true},
			{review(request(admissionv1.Create, shootJSON("invalid", aclExtension(`{"rule":{"action":"ALLOW","cidrs":["10.0.0.1/8","nope"]}}`)), nil)), false},
			{review(request(admissionv1.Update, shootJSON("plain"), shootJSON("plain"))), true},
		}

		heapInUse := func() uint64 {
			runtime.GC()
			var stats runtime.MemStats
			runtime.ReadMemStats(&stats)
			return stats.HeapInuse
		}

		run := func(duration time.Duration) (answered, failures int64, firstFailure *atomic.Value) {
			firstFailure = &atomic.Value{}
			var count, failed atomic.Int64
			deadline := time.Now().Add(duration)
			var workers sync.WaitGroup
			for worker := range 16 {
				workers.Go(func() {
					for i := worker; time.Now().Before(deadline); i++ {
						sample := bodies[i%len(bodies)]
						status, answer, err := server.post("application/json", sample.body)
						count.Add(1)
						switch {
						case err != nil:
							failed.Add(1)
							firstFailure.CompareAndSwap(nil, err.Error())
						case status != http.StatusOK || answer == nil || answer.Response == nil:
							failed.Add(1)
							firstFailure.CompareAndSwap(nil, fmt.Sprintf("status %d", status))
						case answer.Response.Allowed != sample.allowed:
							failed.Add(1)
							firstFailure.CompareAndSwap(nil, fmt.Sprintf("verdict %t for a review expected %t", answer.Response.Allowed, sample.allowed))
						}
					}
				})
			}
			workers.Wait()
			return count.Load(), failed.Load(), firstFailure
		}

		// A first run warms up connections, pools and caches; the second, as long, must not need more heap.
		warmAnswered, warmFailures, warmFailure := run(loadDuration / 2)
		Expect(warmFailures).To(BeZero(), "first failure: %v", warmFailure.Load())
		before := heapInUse()
		answered, failures, failure := run(loadDuration)
		Expect(failures).To(BeZero(), "first failure: %v", failure.Load())
		after := heapInUse()

		GinkgoWriter.Printf("%d + %d reviews answered by 16 concurrent clients; heap in use %d KiB -> %d KiB\n", warmAnswered, answered, before/1024, after/1024)
		Expect(answered).To(BeNumerically(">", 500), "the server kept answering")
		Expect(after).To(BeNumerically("<", before+32<<20), "heap growth stays bounded (no per-review retention)")
	})
})
