// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/gardener/gardener/pkg/client/kubernetes"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

var _ = Describe("An ingress gateway switching to the shared slots", func() {
	// No other spec puts a shoot on zone c: its gateway has no shared slots when the shoot arrives.
	const zoneIngress = "istio-ingress--c"
	switcher := testenv.ShootFixture{
		Seed: seedLayout, Shoot: gardenerseed.Shoot{Name: "switcher", Zone: "c"},
		ProviderConfig: `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`,
	}

	It("keeps the shoot's requests on the shared listeners restricted at every step, and ends with them in the slots alone", func(ctx context.Context) {
		gateway, err := switcher.IngressGateway(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(gateway.Namespace).To(Equal(zoneIngress))

		// One watch on the namespace sees every change of its EnvoyFilters in the order the API server made them.
		direct, err := client.NewWithWatch(seed.Config, client.Options{Scheme: kubernetes.SeedScheme})
		Expect(err).NotTo(HaveOccurred())
		watcher, err := direct.Watch(ctx, &istionetworkingv1alpha3.EnvoyFilterList{}, client.InNamespace(zoneIngress))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(watcher.Stop)

		_, err = switcher.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())

		technicalID := switcher.TechnicalID()
		own := envoyfilter.Name(technicalID)
		slot := envoyfilter.SharedFilterName(envoyfilter.HTTPProxyListenerPort, envoyfilter.SharedSlot{Form: 0, Shard: envoyfilter.Shard(technicalID)})
		state := map[string]*istionetworkingv1alpha3.EnvoyFilter{}
		inline := func() bool { return len(sharedListenerPorts(state[own])) > 0 }
		// The slots restrict the shoot once the insertions and the configuration of its slot, with its destinations, exist.
		slotted := func() bool {
			if state[envoyfilter.SharedFiltersName] == nil || state[slot] == nil {
				return false
			}
			raw, err := json.Marshal(&state[slot].Spec)
			Expect(err).NotTo(HaveOccurred())
			return strings.Contains(string(raw), technicalID)
		}

		sawInline := false
		deadline := time.After(time.Minute)
		for {
			var event watch.Event
			select {
			case event = <-watcher.ResultChan():
			case <-deadline:
				Fail("the shoot's own filter did not leave the shared listeners of the gateway within a minute")
			}
			filter, ok := event.Object.(*istionetworkingv1alpha3.EnvoyFilter)
			Expect(ok).To(BeTrue(), "watch event %s of %T", event.Type, event.Object)
			if event.Type == watch.Deleted {
				delete(state, filter.Name)
			} else {
				state[filter.Name] = filter
			}
			if state[own] == nil {
				continue
			}
			sawInline = sawInline || inline()
			Expect(inline() || slotted()).To(BeTrue(), "after the %s of EnvoyFilter %s the shoot's requests on the shared listeners are not restricted", event.Type, filter.Name)
			if !inline() && slotted() {
				break
			}
		}
		Expect(sawInline).To(BeTrue(), "the shoot's own filter held the shared listeners until the gateway's slots were applied")
	})
})
