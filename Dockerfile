# One build for the three binaries; pick one with --target (auth, pdf,
# pdf-worker). docker-compose.yml does that for you.
FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0
# Modules first, so source edits do not refetch them.
COPY go.work go.work.sum ./
COPY auth/go.mod auth/go.sum auth/
COPY pdf/go.mod pdf/go.sum pdf/
COPY shared/go.mod shared/go.sum shared/
COPY devstack/go.mod devstack/go.sum devstack/
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/ ./auth/cmd/auth ./pdf/cmd/pdf ./pdf/cmd/pdf-worker

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
