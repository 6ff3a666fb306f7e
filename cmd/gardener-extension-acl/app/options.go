// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"os"
	"strings"

	controllercmd "github.com/gardener/gardener/extensions/pkg/controller/cmd"
	heartbeatcmd "github.com/gardener/gardener/extensions/pkg/controller/heartbeat/cmd"
	"github.com/spf13/pflag"

	aclcmd "github.com/gardener-community/gardener-extension-acl/pkg/controller/cmd"
)

// Name is the name of the ACL seed controller.
const Name = "gardener-extension-acl"

// Options are the command line options of the seed controller.
type Options struct {
	// REST selects the seed cluster: --kubeconfig.
	REST *controllercmd.RESTOptions
	// Manager configures leader election, metrics and health endpoints, and logging.
	Manager *controllercmd.ManagerOptions
	// Controller configures the concurrency of the ACL controller.
	Controller *controllercmd.ControllerOptions
	// Reconciler configures whether the operation annotation is ignored.
	Reconciler *controllercmd.ReconcilerOptions
	// Heartbeat configures the heartbeat lease gardenlet watches.
	Heartbeat *heartbeatcmd.Options
	// ACL configures what the controller enforces.
	ACL *aclcmd.ACLOptions

	aggregated controllercmd.OptionAggregator
}

// NewOptions returns the options with the defaults of an in-cluster deployment.
func NewOptions() *Options {
	o := &Options{
		REST: &controllercmd.RESTOptions{},
		Manager: &controllercmd.ManagerOptions{
			LeaderElection:          true,
			LeaderElectionID:        controllercmd.LeaderElectionNameID(Name),
			LeaderElectionNamespace: os.Getenv("LEADER_ELECTION_NAMESPACE"),
			MetricsBindAddress:      ":8080",
			HealthBindAddress:       ":8081",
		},
		Controller: &controllercmd.ControllerOptions{MaxConcurrentReconciles: 5},
		Reconciler: &controllercmd.ReconcilerOptions{},
		Heartbeat: &heartbeatcmd.Options{
			ExtensionName:        Name,
			Namespace:            os.Getenv("LEADER_ELECTION_NAMESPACE"),
			RenewIntervalSeconds: 30,
		},
		ACL: aclcmd.NewACLOptions(),
	}
	o.aggregated = controllercmd.NewOptionAggregator(
		o.REST, withoutWebhookServerFlags{o.Manager}, o.Controller, o.Reconciler,
		controllercmd.PrefixOption("heartbeat-", o.Heartbeat),
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
	*controllercmd.ManagerOptions
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
