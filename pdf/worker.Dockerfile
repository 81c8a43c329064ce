# The pdf worker: renders queued profiles into S3. Build from the
# repository root:
#   docker build -f pdf/worker.Dockerfile -t prana-pdf-worker .
# It serves no HTTP; the container runtime sees it healthy while it runs.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Static binary. The module builds on its own (GOWORK=off): its go.mod
# replaces prana/shared with ../shared, and the dev-only modules of go.work
# are not in the build context.
ENV CGO_ENABLED=0 GOWORK=off
# Modules first, so a source edit does not fetch them again.
COPY shared/go.mod shared/go.sum shared/
COPY pdf/go.mod pdf/go.sum pdf/
RUN cd pdf && go mod download
COPY shared shared
COPY pdf pdf
RUN cd pdf && go build -trimpath -ldflags="-s -w" -o /out/pdf-worker ./cmd/pdf-worker

FROM scratch AS worker
# For S3 and SQS over https.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/pdf-worker /usr/local/bin/pdf-worker
# Numeric, so no /etc/passwd is needed.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/pdf-worker"]
