# syntax=docker/dockerfile:1
#
# Arena as one static binary on a distroless base.
#   docker build -t arena .
#   docker run -p 8080:8080 -v arena-data:/data -e ARENA_SECRET=... arena
# Without ARENA_DATABASE_URL it keeps its SQLite database in the /data volume;
# docker-compose.yml runs it against PostgreSQL instead.

FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# The SQLite driver is pure Go, so the binary needs no libc.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/arena ./cmd/arena \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
# distroless brings CA certificates (for HTTPS model endpoints) and tzdata.
COPY --from=build /out/arena /arena
# /data must belong to the nonroot user (65532) so SQLite can write there.
COPY --from=build --chown=65532:65532 /out/data /data
ENV ARENA_ADDR=:8080 \
    ARENA_DATABASE_URL=/data/arena.db
VOLUME ["/data"]
WORKDIR /data
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/arena"]
CMD ["serve"]
