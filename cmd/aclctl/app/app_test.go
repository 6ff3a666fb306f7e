// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/cmd/aclctl/app"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// run executes aclctl in-process and renders what a person sees: the exit code, standard output and standard error.
func run(stdin string, args ...string) string {
	var stdout, stderr bytes.Buffer
	code := app.Run(args, strings.NewReader(stdin), &stdout, &stderr)
	return fmt.Sprintf("$ aclctl %s\nexit: %d\n--- stdout\n%s--- stderr\n%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
}

// expectGolden compares with testdata/golden/NAME.golden; UPDATE_GOLDEN=1 rewrites the file instead.
func expectGolden(name, actual string) {
	path := filepath.Join("testdata", "golden", name+".golden")
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		Expect(os.WriteFile(path, []byte(actual), 0o644)).To(Succeed())
	}
	expected, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "missing golden file: run UPDATE_GOLDEN=1 go test ./cmd/aclctl/app/")
	Expect(actual).To(Equal(string(expected)))
}

// mustRead returns a test file's content, for standard input.
func mustRead(name string) string {
	data, err := os.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(data)
}

var _ = Describe("aclctl", func() {
	DescribeTable("prints the contract output",
		func(name, stdin string, args ...string) {
			expectGolden(name, run(stdin, args...))
		},
		Entry(nil, "validate-shoot-valid", "", "validate", "testdata/shoot-valid.yaml"),
		Entry(nil, "validate-shoot-invalid", "", "validate", "testdata/shoot-invalid.yaml"),
		Entry(nil, "validate-shoot-disabled", "", "validate", "testdata/shoot-disabled.yaml"),
		Entry(nil, "validate-shoot-without-acl", "", "validate", "testdata/shoot-without-acl.yaml"),
		Entry(nil, "validate-create-host-bits", "", "validate", "testdata/shoot-updated.yaml"),
		Entry(nil, "validate-update-ratchets", "", "validate", "--old", "testdata/shoot-old.yaml", "testdata/shoot-updated.yaml"),
		Entry(nil, "validate-update-unchanged", "", "validate", "--old", "testdata/shoot-old.yaml", "testdata/shoot-old.yaml"),
		Entry(nil, "validate-update-mixed-kinds", "", "validate", "--old", "testdata/legacy.json", "testdata/shoot-old.yaml"),
		Entry(nil, "validate-every-cidr-message", "", "validate", "testdata/providerconfig-errors.yaml"),
		Entry(nil, "validate-stdin-legacy", `{"rule": {"action": "ALLOW", "type": "source_ip", "cidrs": ["0.0.0.0/0"]}}`, "validate", "-"),
		Entry(nil, "validate-limits", "", "validate", "--max-entries", "3", "--max-compiled-prefixes", "3", "testdata/legacy.json"),
		Entry(nil, "validate-bad-limits", "", "validate", "--max-entries", "3", "--max-compiled-prefixes", "2", "testdata/legacy.json"),
		Entry(nil, "validate-missing-file", "", "validate", "testdata/does-not-exist.yaml"),
		Entry(nil, "validate-not-yaml", "", "validate", "testdata/not-yaml.yaml"),
		Entry(nil, "validate-no-argument", "", "validate"),
		Entry(nil, "validate-ineffective-entries", "", "validate", "testdata/providerconfig-ineffective.yaml"),
		Entry(nil, "compile-legacy-merges", "", "compile", "testdata/legacy.json"),
		Entry(nil, "compile-shoot", "", "compile", "testdata/shoot-valid.yaml"),
		Entry(nil, "compile-deny-only", "", "compile", "testdata/providerconfig-deny-only.yaml"),
		Entry(nil, "compile-invalid", "", "compile", "testdata/shoot-invalid.yaml"),
		Entry(nil, "compile-host-bits-enforced", "", "compile", "testdata/shoot-updated.yaml"),
		Entry(nil, "compile-shoot-without-acl", "", "compile", "testdata/shoot-without-acl.yaml"),
		Entry(nil, "explain-allowed", "", "explain", "--ip", "198.51.100.20", "testdata/shoot-valid.yaml"),
		Entry(nil, "explain-denied-by-deny", "", "explain", "--ip", "10.250.13.7", "testdata/shoot-valid.yaml"),
		Entry(nil, "explain-denied-no-allow", "", "explain", "--ip", "2001:db9::1", "testdata/shoot-valid.yaml"),
		Entry(nil, "explain-deny-only", "", "explain", "--ip", "203.0.113.1", "testdata/providerconfig-deny-only.yaml"),
		Entry(nil, "diff-enforce-to-audit", "", "diff", "--old", "testdata/providerconfig-audit-enforced.yaml", "testdata/providerconfig-audit.yaml"),
		Entry(nil, "explain-audit", "", "explain", "--ip", "203.0.113.7", "--ip", "203.0.113.130", "testdata/providerconfig-audit.yaml"),
		Entry(nil, "output-explain-json-audit", "", "explain", "-o", "json", "--ip", "203.0.113.130", "testdata/providerconfig-audit.yaml"),
		Entry(nil, "explain-mapped", "", "explain", "--ip", "::ffff:10.250.0.1", "testdata/shoot-valid.yaml"),
		Entry(nil, "explain-cidr-partly", "", "explain", "--ip", "10.250.0.0/16", "testdata/shoot-valid.yaml"),
		Entry(nil, "explain-not-an-ip", "", "explain", "--ip", "10.250.0.0.1", "testdata/shoot-valid.yaml"),
		Entry(nil, "explain-always-allowed", "", "explain", "--additional-allowed-cidrs", "172.16.0.0/12",
			"--ip", "10.180.3.4", "--ip", "198.51.100.10,100.96.0.7,172.16.1.1", "--ip", "203.0.113.66", "--ip", "203.0.113.0/25", "--ip", "203.0.113.7",
			"testdata/render/shoot.yaml", "testdata/render/seed.yaml"),
		Entry(nil, "explain-all-allowed", "", "explain", "--ip", "10.180.3.4", "--ip", "203.0.113.7", "testdata/render/shoot.yaml"),
		Entry(nil, "explain-enforced-as-written-by-the-existing-extension", "", "explain", "--ip", "192.168.7.0", "--ip", "192.168.7.1", "--ip", "203.0.113.200", "testdata/providerconfig-mapped.yaml"),
		Entry(nil, "compile-mapped", "", "compile", "testdata/providerconfig-mapped.yaml"),
		Entry(nil, "compile-list-from-stdin", mustRead("testdata/export-list.yaml"), "compile", "-"),
		Entry(nil, "compile-two-shoots", "", "compile", "testdata/two-shoots.yaml"),
		Entry(nil, "validate-every-document", "", "validate", "testdata/two-shoots.yaml", "testdata/legacy.json"),
		Entry(nil, "validate-list-with-other-kinds", "", "validate", "testdata/export-list.yaml"),
		Entry(nil, "validate-list-from-api", "", "validate", "testdata/shoot-list-from-api.json"),
		Entry(nil, "render-stdin-and-directory", mustRead("testdata/render/shoot.yaml"), "render", "-", "testdata/render/seed.yaml", "testdata/render/gateways.yaml", "testdata/render/ingress.yaml"),
		Entry(nil, "render-directory", "", "render", "testdata/render"),
		Entry(nil, "render-no-gateway", "", "render", "testdata/render/shoot.yaml", "testdata/render/seed.yaml"),
		Entry(nil, "explain-without-ip", "", "explain", "testdata/shoot-valid.yaml"),
		Entry(nil, "unknown-command", "", "lint", "testdata/shoot-valid.yaml"),
		Entry(nil, "render-two-gateways", "", "render", "--additional-allowed-cidrs", "172.16.0.0/12",
			"testdata/render/shoot.yaml", "testdata/render/seed.yaml", "testdata/render/gateways.yaml", "testdata/render/ingress.yaml"),
		Entry(nil, "render-without-seed", "", "render", "testdata/render/shoot.yaml", "testdata/render/gateways.yaml"),
		Entry(nil, "render-two-shoots", "", "render", "testdata/render", "testdata/render-second/shop.yaml"),
		Entry(nil, "render-shoot-and-providerconfig", "", "render", "testdata/render", "testdata/providerconfig-before.yaml"),
		Entry(nil, "render-without-ingress", "", "render", "testdata/render/shoot.yaml", "testdata/render/seed.yaml", "testdata/render/gateways.yaml"),
		Entry(nil, "render-invalid-rules", "", "render", "testdata/shoot-invalid.yaml", "testdata/render/seed.yaml"),
		Entry(nil, "output-compile-json", "", "compile", "-o", "json", "testdata/shoot-updated.yaml"),
		Entry(nil, "output-compile-yaml-invalid", "", "compile", "-o", "yaml", "testdata/shoot-invalid.yaml"),
		Entry(nil, "output-compile-unknown-format", "", "compile", "-o", "xml", "testdata/shoot-valid.yaml"),
		Entry(nil, "output-validate-json", "", "validate", "-o", "json", "testdata/two-shoots.yaml", "testdata/legacy.json"),
		Entry(nil, "output-validate-yaml-update", "", "validate", "-o", "yaml", "--old", "testdata/shoot-old.yaml", "testdata/shoot-updated.yaml"),
		Entry(nil, "output-explain-json", "", "explain", "-o", "json", "--ip", "10.180.3.4,203.0.113.66,203.0.113.0/25", "--ip", "203.0.113.7",
			"testdata/render/shoot.yaml", "testdata/render/seed.yaml"),
		Entry(nil, "output-explain-json-invalid", "", "explain", "-o", "json", "--ip", "10.0.0.1", "testdata/shoot-invalid.yaml"),
		Entry(nil, "diff", "", "diff", "--old", "testdata/providerconfig-before.yaml", "testdata/providerconfig-after.yaml"),
		Entry(nil, "diff-json", "", "diff", "-o", "json", "--old", "testdata/providerconfig-before.yaml", "testdata/providerconfig-after.yaml"),
		Entry(nil, "diff-same-sources", "", "diff", "--old", "testdata/legacy.json", "testdata/providerconfig-merged.yaml"),
		Entry(nil, "diff-shoot-and-providerconfig", "", "diff", "--old", "testdata/shoot-old.yaml", "testdata/legacy.json"),
		Entry(nil, "diff-host-bits-from-stdin", mustRead("testdata/shoot-updated.yaml"), "diff", "--old", "testdata/shoot-old.yaml", "-"),
		Entry(nil, "diff-invalid", "", "diff", "--old", "testdata/shoot-invalid.yaml", "testdata/shoot-valid.yaml"),
		Entry(nil, "diff-without-old", "", "diff", "testdata/shoot-valid.yaml"),
	)

	It("prints the hash the controller reports in providerStatus, from the same function on the same input", func() {
		const providerConfig = `{"rule": {"action": "ALLOW", "type": "remote_ip", "cidrs": ["10.1.2.3/8", "192.0.2.1/24", "2001:db8::/32"]}}`
		var stdout, stderr bytes.Buffer
		Expect(app.Run([]string{"compile", "-o", "json", "-"}, strings.NewReader(providerConfig), &stdout, &stderr)).To(Equal(app.ExitValid))
		var result app.CompileResult
		Expect(json.Unmarshal(stdout.Bytes(), &result)).To(Succeed())

		// What pkg/controller/actuator.go computes for the Extension's providerConfig.
		enforced := validation.EnforceProviderConfig([]byte(providerConfig), field.NewPath("spec", "providerConfig"), validation.DefaultLimits())
		Expect(enforced.Errors).To(BeEmpty())
		Expect(result.Hash).To(Equal(enforced.Policy.Hash()))
		Expect(result.IPv4Prefixes).To(Equal([]string{"10.0.0.0/8", "192.0.2.0/24"}))
		Expect(result.IPv6Prefixes).To(Equal([]string{"2001:db8::/32"}))
	})

	It("names only example files that exist in its help", func() {
		examplePath := regexp.MustCompile(`example/[A-Za-z0-9._-]+`)
		for _, command := range []string{"validate", "compile", "explain", "render", "diff"} {
			for _, path := range examplePath.FindAllString(run("", command, "--help"), -1) {
				Expect(filepath.Join("..", "..", "..", path)).To(BeAnExistingFile(), "aclctl %s --help", command)
			}
		}
	})

	It("prints its version", func() {
		Expect(run("", "--version")).To(ContainSubstring("aclctl version v0.0.0-dev"))
	})

	It("documents every command with examples", func() {
		for _, command := range []string{"validate", "compile", "explain", "render", "diff"} {
			output := run("", command, "--help")
			Expect(output).To(ContainSubstring("exit: 0"))
			Expect(output).To(ContainSubstring("Examples:"))
		}
		Expect(run("", "--help")).To(ContainSubstring("Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage or I/O error."))
	})
})
