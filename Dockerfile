# One build for the three binaries; pick one with --target (auth, pdf,
# pdf-worker). docker-compose.yml does that for you.
FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0
# Each service module builds on its own (GOWORK=off; its go.mod replaces
# prana/shared with ../shared), so the dev-only module's test dependencies
# are never fetched. Modules first, so source edits do not refetch them.
ENV GOWORK=off
COPY auth/go.mod auth/go.sum auth/
COPY pdf/go.mod pdf/go.sum pdf/
COPY shared/go.mod shared/go.sum shared/
RUN cd auth && go mod download && cd ../pdf && go mod download
COPY api api
COPY auth auth
COPY pdf pdf
COPY shared shared
RUN cd auth && go build -trimpath -ldflags="-s -w" -o /out/ ./cmd/auth \
    && cd ../pdf && go build -trimpath -ldflags="-s -w" -o /out/ ./cmd/pdf ./cmd/pdf-worker

FROM debian:bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 --home /data prana \
    && mkdir -p /data && chown prana /data
USER prana
WORKDIR /data
ENV DATA_DIR=/data

FROM runtime AS auth
COPY --from=build /out/auth /usr/local/bin/auth
EXPOSE 8001
ENTRYPOINT ["auth"]

FROM runtime AS pdf
COPY --from=build /out/pdf /usr/local/bin/pdf
EXPOSE 8002
ENTRYPOINT ["pdf"]

FROM runtime AS pdf-worker
COPY --from=build /out/pdf-worker /usr/local/bin/pdf-worker
ENTRYPOINT ["pdf-worker"]
