# The pdf worker: renders queued profiles into S3. Build from the
# repository root:
#   docker build -f pdf/worker.Dockerfile -t prana-pdf-worker .
# It serves no API; `healthcheck` asks its health listener
# (WORKER_HEALTH_ADDR) whether it consumes and reaches SQS and S3.

# The build stage's image: the official Go image by default. Any image with
# the Go toolchain on PATH and a POSIX shell works, e.g. one made without a
# registry by scripts/go-builder-image (`make test-containers` does).
ARG GO_IMAGE=golang:1.26-bookworm

FROM ${GO_IMAGE} AS build
WORKDIR /src
# Static binary. The module builds on its own (GOWORK=off): its go.mod
# replaces prana/shared with ../shared, and the dev-only modules of go.work
# are not in the build context.
ENV CGO_ENABLED=0 GOWORK=off
# The fallback fonts of pdf/fonts.txt ("debian-package path" per line),
# installed from Debian when the build image lacks them, gathered for the
# final stage gzip-compressed (the renderer reads name.ttf.gz as name.ttf):
# 5.7 MB instead of 11. Before the modules: the list seldom changes.
COPY pdf/fonts.txt /tmp/fonts.txt
RUN set -eu; missing=; \
    while read -r pkg path; do case "$pkg" in ''|'#'*) continue ;; esac; \
      [ -f "$path" ] || missing="$missing $pkg"; done < /tmp/fonts.txt; \
    if [ -n "$missing" ]; then apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; \
      rm -rf /var/lib/apt/lists/*; fi; \
    mkdir -p /out/fonts; \
    while read -r pkg path; do case "$pkg" in ''|'#'*) continue ;; esac; \
      gzip -9n -c "$path" > "/out/fonts/${path##*/}.gz"; done < /tmp/fonts.txt
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
# The renderer looks for fallback fonts here.
COPY --from=build /out/fonts /usr/share/fonts/prana
# Numeric, so no /etc/passwd is needed.
USER 65532:65532
ENV WORKER_HEALTH_ADDR=:8003
HEALTHCHECK --interval=2s --timeout=5s --retries=30 CMD ["/usr/local/bin/pdf-worker", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/pdf-worker"]
