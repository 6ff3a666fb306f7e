// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package exposure

import (
	"cmp"
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// ingressWorkload is an istio ingress gateway as istio sees it: the proxies of one Deployment, with the Services that
// select them. Gardener renders two Services per gateway (istio-ingressgateway and istio-ingressgateway-internal,
// gardener v1.150 pkg/component/networking/istio/charts/istio/istio-ingress/templates/service*.yaml), so a gateway is
// identified by its workload, never by a Service.
type ingressWorkload struct {
	deployment *appsv1.Deployment
	services   []*corev1.Service
}

// podLabels are the labels of the gateway's proxies, which istio matches Gateway and EnvoyFilter selectors against.
func (w ingressWorkload) podLabels() labels.Set {
	return w.deployment.Spec.Template.Labels
}

// selectedBy tells whether a selector (a Gateway's or a Service's) selects the gateway's proxies: istio and Kubernetes
// select a workload when every label of the selector is among the workload's labels.
func (w ingressWorkload) selectedBy(selector map[string]string) bool {
	return len(selector) > 0 && labels.SelectorFromSet(selector).Matches(w.podLabels())
}

// listenerPort returns the port of the Envoy listener that serves a Gateway server port: istio binds the listener to
// the target port of the gateway Service port with that number (its "gateway port translation"), and to the number
// itself when no Service of the workload has such a port.
func (w ingressWorkload) listenerPort(serverPort uint32) (uint32, error) {
	for _, service := range w.services {
		for _, port := range service.Spec.Ports {
			if uint32(port.Port) != serverPort { // #nosec G115 -- Service ports are 1..65535
				continue
			}
			return w.targetPort(port)
		}
	}
	return serverPort, nil
}

// hasContainerPort tells whether the gateway's proxies listen on port, i.e. some Service forwards to it or the proxy
// declares it.
func (w ingressWorkload) hasContainerPort(port uint32) bool {
	for _, container := range w.deployment.Spec.Template.Spec.Containers {
		for _, containerPort := range container.Ports {
			if uint32(containerPort.ContainerPort) == port { // #nosec G115 -- container ports are 1..65535
				return true
			}
		}
	}
	return false
}

func (w ingressWorkload) targetPort(port corev1.ServicePort) (uint32, error) {
	target := port.TargetPort
	switch {
	case target == (intstr.IntOrString{}):
		return uint32(port.Port), nil // #nosec G115 -- Service ports are 1..65535
	case target.Type == intstr.Int:
		return uint32(target.IntVal), nil // #nosec G115 -- target ports are 1..65535
	}
	for _, container := range w.deployment.Spec.Template.Spec.Containers {
		for _, containerPort := range container.Ports {
			if containerPort.Name == target.StrVal {
				return uint32(containerPort.ContainerPort), nil // #nosec G115 -- container ports are 1..65535
			}
		}
	}
	return 0, fmt.Errorf("failed to resolve the target port %q of ingress gateway %s/%s", target.StrVal, w.deployment.Namespace, w.deployment.Name)
}

// ingressWorkloads pairs every ingress gateway Deployment with the Services of its namespace that select its proxies.
func ingressWorkloads(deployments []appsv1.Deployment, services []corev1.Service) []ingressWorkload {
	workloads := make([]ingressWorkload, 0, len(deployments))
	for i := range deployments {
		workload := ingressWorkload{deployment: &deployments[i]}
		for j := range services {
			if services[j].Namespace == workload.deployment.Namespace && workload.selectedBy(services[j].Spec.Selector) {
				workload.services = append(workload.services, &services[j])
			}
		}
		workloads = append(workloads, workload)
	}
	return workloads
}

// workloadsSelectedBy returns the ingress gateways whose proxies a Gateway selects. Istio applies a Gateway to every
// gateway proxy its selector matches, in any namespace, so all of them serve the Gateway's hosts.
func workloadsSelectedBy(selector map[string]string, workloads []ingressWorkload) ([]ingressWorkload, error) {
	if len(selector) == 0 {
		return nil, fmt.Errorf("the Gateway selects no workload")
	}
	var selected []ingressWorkload
	for _, workload := range workloads {
		if workload.selectedBy(selector) {
			selected = append(selected, workload)
		}
	}
	if len(selected) == 0 {
		return nil, fmt.Errorf("no istio ingress gateway Deployment has pods with the labels %v", selector)
	}
	slices.SortFunc(selected, func(a, b ingressWorkload) int {
		return cmp.Or(cmp.Compare(a.deployment.Namespace, b.deployment.Namespace), cmp.Compare(a.deployment.Name, b.deployment.Name))
	})
	return selected, nil
}
