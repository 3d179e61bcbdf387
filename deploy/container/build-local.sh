#!/usr/bin/env bash
# Builds the runtime stage of the Dockerfile from a binary built on this host, without
# pulling any base image: the `rootfs` stage is replaced by a directory assembled here.
# Needs podman (or a docker with BuildKit named contexts).
#
#   cargo build --release --locked -p cxhook-cli
#   bash deploy/container/build-local.sh [TAG]        # default tag: cxhook:local
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
tag="${1:-cxhook:local}"
engine="${ENGINE:-podman}"
bin="${CARGO_TARGET_DIR:-target}/release/cxhook"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
bash deploy/container/rootfs.sh "$bin" "$stage/rootfs"

args=()
[[ "$engine" == podman ]] && args+=(--storage-driver "${STORAGE_DRIVER:-vfs}")
"$engine" "${args[@]}" build --target runtime --build-context "rootfs=$stage" -t "$tag" -f Dockerfile "$stage"
"$engine" "${args[@]}" image inspect "$tag" --format 'image {{.RepoTags}}: {{.Size}} bytes'
