// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"fmt"
	"os"

	extensionscmdcontroller "github.com/gardener/gardener/extensions/pkg/controller/cmd"
	extensionscmdwebhook "github.com/gardener/gardener/extensions/pkg/webhook/cmd"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	admissioncmd "github.com/gardener-community/gardener-extension-acl/pkg/admission/cmd"
	"github.com/gardener-community/gardener-extension-acl/pkg/cmdutil"
)

// Name is the name of the admission component.
const Name = "admission-acl"

// Options are the command line options of the admission component.
type Options struct {
	// Garden selects the cluster that serves Shoots (the virtual garden or the runtime cluster): --kubeconfig.
	Garden *extensionscmdcontroller.RESTOptions
	// Runtime selects the cluster the component runs in, where leader election happens and the webhook's CA and
	// serving certificate are stored.
	Runtime *RuntimeOptions
	// Manager configures leader election, the webhook server, metrics and health endpoints, and logging.
	Manager *extensionscmdcontroller.ManagerOptions
	// Webhooks configures how the webhook is registered in the garden.
	Webhooks *extensionscmdwebhook.AddToManagerOptions
	// Limits are the limits enforced on ACL rules, the same options as the seed controller's.
	Limits *cmdutil.LimitsOptions

	aggregated extensionscmdcontroller.OptionAggregator
}

// NewOptions returns the options with the defaults of an in-cluster deployment.
func NewOptions() *Options {
	limits := cmdutil.NewLimitsOptions()
	o := &Options{
		Garden:  &extensionscmdcontroller.RESTOptions{},
		Runtime: &RuntimeOptions{},
		Manager: &extensionscmdcontroller.ManagerOptions{
			LeaderElection:          true,
			LeaderElectionID:        extensionscmdcontroller.LeaderElectionNameID(Name),
			LeaderElectionNamespace: os.Getenv("LEADER_ELECTION_NAMESPACE"),
			WebhookServerPort:       10250,
			WebhookCertDir:          "/tmp/admission-acl-cert",
			MetricsBindAddress:      ":8080",
			HealthBindAddress:       ":8081",
		},
		Limits: limits,
	}
	o.Webhooks = extensionscmdwebhook.NewAddToManagerOptions(
		Name,
		"",
		nil,
		nil,
		&extensionscmdwebhook.ServerOptions{Namespace: os.Getenv("WEBHOOK_CONFIG_NAMESPACE")},
		admissioncmd.GardenWebhookSwitchOptions(limits),
	)
	// The webhooks read the completed limits, so the limits are completed before them.
	o.aggregated = extensionscmdcontroller.NewOptionAggregator(o.Garden, o.Runtime, o.Manager, o.Limits, o.Webhooks)
	return o
}

// AddFlags adds the flags of all options.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	o.aggregated.AddFlags(fs)
}

// Complete completes all options.
func (o *Options) Complete() error {
	return o.aggregated.Complete()
}

// RuntimeOptions select the runtime cluster.
type RuntimeOptions struct {
	// Kubeconfig is the path of a kubeconfig for the runtime cluster; empty means the in-cluster configuration.
	Kubeconfig string

	config *rest.Config
}

// AddFlags implements Flagger.AddFlags.
func (o *RuntimeOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Kubeconfig, "runtime-kubeconfig", o.Kubeconfig, "Path to a kubeconfig for the runtime cluster (leader election, webhook certificates). Defaults to the in-cluster configuration.")
}

// Complete implements Completer.Complete.
func (o *RuntimeOptions) Complete() error {
	var err error
	if o.Kubeconfig != "" {
		o.config, err = clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
	} else {
		o.config, err = rest.InClusterConfig()
	}
	if err != nil {
		return fmt.Errorf("failed to load the runtime cluster configuration (set --runtime-kubeconfig when running outside a cluster): %w", err)
	}
	return nil
}

// Completed returns the rest config of the runtime cluster. Only call this if Complete was successful.
func (o *RuntimeOptions) Completed() *rest.Config {
	return o.config
}
