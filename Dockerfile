# SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
#
# SPDX-License-Identifier: Apache-2.0

# Build both binaries once; each image takes only its own binary.
#   docker build --target gardener-extension-acl -t gardener-extension-acl .
#   docker build --target gardener-extension-admission-acl -t gardener-extension-admission-acl .
FROM golang:1.26.5 AS builder
WORKDIR /go/src/github.com/gardener-community/gardener-extension-acl

# Dependencies change less often than the sources: keep them in their own layer.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
ARG VERSION
ARG GIT_COMMIT=unknown
ARG TARGETARCH
RUN CGO_ENABLED=0 GOARCH="${TARGETARCH}" make build VERSION="${VERSION:-$(cat VERSION)}" GIT_COMMIT="${GIT_COMMIT}"

# distroless/static: no shell, no package manager; nonroot runs as UID 65532, as the charts require.
FROM gcr.io/distroless/static-debian12:nonroot AS base
WORKDIR /
USER 65532:65532

FROM base AS gardener-extension-admission-acl
COPY --from=builder /go/src/github.com/gardener-community/gardener-extension-acl/bin/gardener-extension-admission-acl /gardener-extension-admission-acl
ENTRYPOINT ["/gardener-extension-admission-acl"]

FROM base AS gardener-extension-acl
COPY --from=builder /go/src/github.com/gardener-community/gardener-extension-acl/bin/gardener-extension-acl /gardener-extension-acl
ENTRYPOINT ["/gardener-extension-acl"]
