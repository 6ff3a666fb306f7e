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

var _ = Describe("An ACL shoot arriving on an ingress gateway", func() {
	// No other spec puts a shoot on zone c: its gateway has its slots, empty, from the start.
	const zoneIngress = "istio-ingress--c"
	arriving := testenv.ShootFixture{
		Seed: seedLayout, Shoot: gardenerseed.Shoot{Name: "arriving", Zone: "c"},
		ProviderConfig: `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`,
	}

	It("leaves the gateway's shared listeners alone and is restricted there by its slot", func(ctx context.Context) {
		gateway, err := arriving.IngressGateway(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(gateway.Namespace).To(Equal(zoneIngress))
		specOf := func(filter *istionetworkingv1alpha3.EnvoyFilter) string {
			raw, err := json.Marshal(&filter.Spec)
			Expect(err).NotTo(HaveOccurred())
			return string(raw)
		}
		shared := &istionetworkingv1alpha3.EnvoyFilter{}
		Eventually(func() error {
			return c.Get(ctx, client.ObjectKey{Namespace: zoneIngress, Name: envoyfilter.SharedFiltersName}, shared)
		}).WithTimeout(time.Minute).Should(Succeed(), "a gateway without ACL shoots has its slots")
		insertions := specOf(shared)

		// One watch on the namespace sees every change of its EnvoyFilters in the order the API server made them.
		direct, err := client.NewWithWatch(seed.Config, client.Options{Scheme: kubernetes.SeedScheme})
		Expect(err).NotTo(HaveOccurred())
		watcher, err := direct.Watch(ctx, &istionetworkingv1alpha3.EnvoyFilterList{}, client.InNamespace(zoneIngress))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(watcher.Stop)

		_, err = arriving.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())

		technicalID := arriving.TechnicalID()
		own := envoyfilter.Name(technicalID)
		slot := envoyfilter.SharedFilterName(envoyfilter.HTTPProxyListenerPort, envoyfilter.SharedSlot{Form: 0, Shard: envoyfilter.Shard(technicalID)})
		state := map[string]*istionetworkingv1alpha3.EnvoyFilter{}
		deadline := time.After(time.Minute)
		for {
			var event watch.Event
			select {
			case event = <-watcher.ResultChan():
			case <-deadline:
				Fail("the shoot did not get into its slot on the gateway within a minute")
			}
			filter, ok := event.Object.(*istionetworkingv1alpha3.EnvoyFilter)
			Expect(ok).To(BeTrue(), "watch event %s of %T", event.Type, event.Object)
			// The insertions into the shared listeners never go and never change: no drain of the gateway's tunnels.
			if filter.Name == envoyfilter.SharedFiltersName {
				Expect(event.Type).NotTo(Equal(watch.Deleted))
				Expect(specOf(filter)).To(Equal(insertions))
			}
			if event.Type == watch.Deleted {
				delete(state, filter.Name)
			} else {
				state[filter.Name] = filter
			}
			if state[own] != nil {
				Expect(sharedListenerPorts(state[own])).To(BeEmpty(), "the shoot's own filter stays out of the switched gateway's shared listeners")
			}
			if state[own] != nil && state[slot] != nil && strings.Contains(specOf(state[slot]), technicalID) {
				break
			}
		}
	})
})
