# Builds the one `gcm` binary (SQLite and libpq are compiled in) and runs it on a slim image.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/gcm

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/gcm gcm \
    && mkdir -p /var/lib/gcm && chown gcm /var/lib/gcm
COPY --from=build /src/target/release/gcm /usr/local/bin/gcm
USER gcm
WORKDIR /var/lib/gcm
ENV GCM__SERVER__BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["gcm"]
CMD ["serve"]
