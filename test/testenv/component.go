// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// Component is one of the extension's binaries running from its real command and flags, in-process (StartComponent)
// or in its own process (StartProcess).
type Component struct {
	stop    func()
	stopped chan struct{}
	err     error
}

// StartComponent runs the command newCommand builds with args until Stop is called.
func StartComponent(newCommand func(context.Context) *cobra.Command, args ...string) *Component {
	ctx, stop := context.WithCancel(context.Background())
	component := &Component{stop: stop, stopped: make(chan struct{})}
	command := newCommand(ctx)
	command.SetArgs(args)
	go func() {
		defer close(component.stopped)
		component.err = command.Execute()
	}()
	return component
}

// WaitReady polls the component's readiness endpoint (healthURL + /readyz) until it answers 200, the component
// exits, or the timeout passes.
func (c *Component) WaitReady(healthURL string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-c.stopped:
			return fmt.Errorf("the component exited before it was ready: %w", c.err)
		default:
		}
		if err := checkEndpoint(healthURL + "/readyz"); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("the component was not ready after %s: %w", timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stop stops the component and returns what its command returned.
func (c *Component) Stop(timeout time.Duration) error {
	c.stop()
	select {
	case <-c.stopped:
		return c.err
	case <-time.After(timeout):
		return fmt.Errorf("the component did not stop within %s", timeout)
	}
}

// CheckHealth checks that the component's /healthz and /readyz endpoints answer 200.
func CheckHealth(healthURL string) error {
	return errors.Join(checkEndpoint(healthURL+"/healthz"), checkEndpoint(healthURL+"/readyz"))
}

func checkEndpoint(url string) error {
	response, err := http.Get(url) //nolint:gosec,noctx // a loopback endpoint of the component under test
	if err != nil {
		return err
	}
	if err := response.Body.Close(); err != nil {
		return err
	}
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", url, response.StatusCode)
	}
	return nil
}
