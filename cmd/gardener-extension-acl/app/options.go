// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"os"
	"strings"

	extensionscmdcontroller "github.com/gardener/gardener/extensions/pkg/controller/cmd"
	extensionsheartbeatcmd "github.com/gardener/gardener/extensions/pkg/controller/heartbeat/cmd"
	"github.com/spf13/pflag"

	aclcmd "github.com/gardener-community/gardener-extension-acl/pkg/controller/cmd"
)

// Name is the name of the ACL seed controller.
const Name = "gardener-extension-acl"

// Options are the command line options of the seed controller.
type Options struct {
	// REST selects the seed cluster: --kubeconfig.
	REST *extensionscmdcontroller.RESTOptions
	// Manager configures leader election, metrics and health endpoints, and logging.
	Manager *extensionscmdcontroller.ManagerOptions
	// Controller configures the concurrency of the ACL controller.
	Controller *extensionscmdcontroller.ControllerOptions
	// Reconciler configures whether the operation annotation is ignored.
	Reconciler *extensionscmdcontroller.ReconcilerOptions
	// Heartbeat configures the heartbeat lease gardenlet watches.
	Heartbeat *extensionsheartbeatcmd.Options
	// ACL configures what the controller enforces.
	ACL *aclcmd.ACLOptions

	aggregated extensionscmdcontroller.OptionAggregator
}

// NewOptions returns the options with the defaults of an in-cluster deployment.
func NewOptions() *Options {
	o := &Options{
		REST: &extensionscmdcontroller.RESTOptions{},
		Manager: &extensionscmdcontroller.ManagerOptions{
			LeaderElection:          true,
			LeaderElectionID:        extensionscmdcontroller.LeaderElectionNameID(Name),
			LeaderElectionNamespace: os.Getenv("LEADER_ELECTION_NAMESPACE"),
			MetricsBindAddress:      ":8080",
			HealthBindAddress:       ":8081",
		},
		Controller: &extensionscmdcontroller.ControllerOptions{MaxConcurrentReconciles: 5},
		Reconciler: &extensionscmdcontroller.ReconcilerOptions{},
		Heartbeat: &extensionsheartbeatcmd.Options{
			ExtensionName:        Name,
			Namespace:            os.Getenv("LEADER_ELECTION_NAMESPACE"),
			RenewIntervalSeconds: 30,
		},
		ACL: aclcmd.NewACLOptions(),
	}
	o.aggregated = extensionscmdcontroller.NewOptionAggregator(
		o.REST, withoutWebhookServerFlags{o.Manager}, o.Controller, o.Reconciler,
		extensionscmdcontroller.PrefixOption("heartbeat-", o.Heartbeat),
		o.ACL,
	)
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

// withoutWebhookServerFlags leaves out the manager's --webhook-config-* flags: the seed controller serves no webhook.
type withoutWebhookServerFlags struct {
	*extensionscmdcontroller.ManagerOptions
}

// AddFlags adds the manager's flags except those of its webhook server.
func (w withoutWebhookServerFlags) AddFlags(fs *pflag.FlagSet) {
	all := pflag.NewFlagSet("manager", pflag.ContinueOnError)
	w.ManagerOptions.AddFlags(all)
	all.VisitAll(func(flag *pflag.Flag) {
		if !strings.HasPrefix(flag.Name, "webhook-config-") {
			fs.AddFlag(flag)
		}
	})
}
