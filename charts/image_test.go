// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package charts_test

import (
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/mod/modfile"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/gardener-community/gardener-extension-acl/charts"
)

// The Dockerfile cannot be built on machines without a container runtime, which includes CI. These specs parse it
// with buildkit's own Dockerfile parser and hold it to what the charts and the module expect of the images, so a
// renamed binary, a changed user or a Go version bump cannot leave it behind unnoticed.
var _ = Describe("The images the charts run", func() {
	var stages map[string]instructions.Stage

	BeforeEach(func() {
		file, err := os.Open(filepath.Join("..", "Dockerfile"))
		Expect(err).NotTo(HaveOccurred())
		defer file.Close()
		result, err := parser.Parse(file)
		Expect(err).NotTo(HaveOccurred())
		parsed, _, err := instructions.Parse(result.AST, nil)
		Expect(err).NotTo(HaveOccurred())

		stages = map[string]instructions.Stage{}
		for _, stage := range parsed {
			stages[stage.Name] = stage
		}
	})

	It("are built with the Go version the module requires", func() {
		content, err := os.ReadFile(filepath.Join("..", "go.mod"))
		Expect(err).NotTo(HaveOccurred())
		module, err := modfile.ParseLax("go.mod", content, nil)
		Expect(err).NotTo(HaveOccurred())

		Expect(stages).To(HaveKey("builder"))
		Expect(stages["builder"].BaseName).To(Equal("golang:" + module.Go.Version))
		Expect(commands[*instructions.RunCommand](stages["builder"])).To(ContainElement(
			HaveField("CmdLine", ContainElement(ContainSubstring("make build"))),
		), "the builder uses the Makefile, so the images carry the same version ldflags as `make build`")
	})

	DescribeTable("run the chart's binary from its own distroless stage as the chart's user",
		func(chart string, values map[string]any, deploymentName string) {
			deployment := object[*appsv1.Deployment](render(chart, values), "Deployment", releaseNamespace, deploymentName)
			container := deployment.Spec.Template.Spec.Containers[0]
			repository, _, _ := strings.Cut(container.Image, ":")
			binary := path.Base(repository)
			Expect(filepath.Join("..", "cmd", binary, "main.go")).To(BeARegularFile(), "make build writes bin/<name> for every cmd/<name>")

			Expect(stages).To(HaveKey(binary), "a stage named after the image builds it")
			stage := stages[binary]
			Expect(commands[*instructions.EntrypointCommand](stage)).To(ConsistOf(
				HaveField("CmdLine", Equal([]string{"/" + binary})),
			))
			workdirs := commands[*instructions.WorkdirCommand](stages["builder"])
			Expect(workdirs).NotTo(BeEmpty())
			Expect(commands[*instructions.CopyCommand](stage)).To(ConsistOf(And(
				HaveField("From", "builder"),
				HaveField("SourcePaths", Equal([]string{path.Join(workdirs[len(workdirs)-1].Path, "bin", binary)})),
				HaveField("DestPath", "/"+binary),
			)))

			base, users := baseImage(stages, stage)
			Expect(base).To(HavePrefix("gcr.io/distroless/static"))
			Expect(base).To(HaveSuffix(":nonroot"))
			Expect(users).NotTo(BeEmpty(), "the image states its user")
			uid, _, _ := strings.Cut(users[len(users)-1], ":")
			runAsUser := deployment.Spec.Template.Spec.SecurityContext.RunAsUser
			if container.SecurityContext != nil && container.SecurityContext.RunAsUser != nil {
				runAsUser = container.SecurityContext.RunAsUser
			}
			Expect(runAsUser).NotTo(BeNil())
			Expect(strconv.ParseInt(uid, 10, 64)).To(Equal(*runAsUser))
		},
		Entry("seed controller", charts.ControllerChart, map[string]any{}, "gardener-extension-acl"),
		Entry("admission webhook", charts.AdmissionChart, map[string]any{}, admissionName),
	)
})

// commands returns the commands of a stage of one type, in order.
func commands[T instructions.Command](stage instructions.Stage) []T {
	var result []T
	for _, command := range stage.Commands {
		if typed, ok := command.(T); ok {
			result = append(result, typed)
		}
	}
	return result
}

// baseImage follows a stage's FROM chain through the Dockerfile's own stages to the external image, collecting the
// USER instructions from the base outwards, so the last one is the user the image runs as.
func baseImage(stages map[string]instructions.Stage, stage instructions.Stage) (string, []string) {
	var users []string
	for _, user := range commands[*instructions.UserCommand](stage) {
		users = append(users, user.User)
	}
	base, ok := stages[stage.BaseName]
	if !ok {
		return stage.BaseName, users
	}
	image, baseUsers := baseImage(stages, base)
	return image, append(baseUsers, users...)
}
