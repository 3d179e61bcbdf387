# The cxhook container: a Rust build stage, then a runtime stage that holds only the binary,
# the C libraries it links (glibc, libgcc) and an empty data directory, and runs as a
# non-root user.
#
#   docker build -t cxhook .                       # or: podman build -t cxhook .
#   export WEBHOOK_SECRET="$(openssl rand -hex 24)"
#   docker run -p 8080:8080 -e WEBHOOK_SECRET -e CXHOOK_AUTH__HEADER__NAME=x-webhook-secret \
#     -e CXHOOK_AUTH__HEADER__VALUE_ENVS='[WEBHOOK_SECRET]' cxhook
#   cxhook send http://127.0.0.1:8080/webhook --tag account.balance -p user_id=u-1001 \
#     -H "x-webhook-secret: $WEBHOOK_SECRET"
#
# The image configures no authentication and cxhook refuses to serve an open webhook, so every
# run names one: a header secret as above (deploy/k8s, AWS Lambda), Google ID tokens on Cloud
# Run (deploy/cloudrun/service.yaml), or CXHOOK_AUTH__AUTHENTICATED_BY when something in front
# lets only authenticated callers through. deploy/README.md has the steps.
#
# The runtime honours Cloud Run's contract: it listens on 0.0.0.0:$PORT, stops on SIGTERM
# after the calls in flight finish, and writes only to /data (the SQLite file of the embedded
# default); everything else can be mounted read-only. Probes: GET /healthz (liveness) and
# GET /readyz (readiness). There is no HEALTHCHECK instruction: the image has no shell and no
# HTTP client, and Cloud Run and Kubernetes probe over HTTP themselves.
#
# deploy/container/build-local.sh builds the same runtime stage from a binary built on the
# host, without pulling any image.

FROM docker.io/library/rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p cxhook-cli

# The runtime's whole file system: the binary, the shared libraries it needs, /data.
FROM build AS rootfs
RUN bash deploy/container/rootfs.sh target/release/cxhook /rootfs

FROM scratch AS runtime
COPY --from=rootfs /rootfs /
USER 65532:65532
WORKDIR /data
ENV PORT=8080 CXHOOK_LOG__FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/cxhook", "serve"]
