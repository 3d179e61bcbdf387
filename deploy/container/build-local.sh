#!/usr/bin/env bash
# Builds the runtime stage of the Dockerfile from a binary built on this host, without
# pulling any base image: the `rootfs` stage is replaced by a directory assembled here.
# Needs podman (or a docker with BuildKit named contexts).
#
#   cargo build --release --locked -p cxhook-cli
#   bash deploy/container/build-local.sh [TAG]        # default tag: cxhook:local
#
# It then writes the sizes of the binary and of the image to deploy/container/sizes.md
# (SIZES=FILE elsewhere, SIZES= not at all): the figures README.md and deploy/README.md
# quote, which a test holds them to.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
tag="${1:-cxhook:local}"
engine="${ENGINE:-podman}"
bin="${CARGO_TARGET_DIR:-target}/release/cxhook"
sizes="${SIZES-deploy/container/sizes.md}"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
bash deploy/container/rootfs.sh "$bin" "$stage/rootfs"

args=()
[[ "$engine" == podman ]] && args+=(--storage-driver "${STORAGE_DRIVER:-vfs}")
"$engine" "${args[@]}" build --target runtime --build-context "rootfs=$stage" -t "$tag" -f Dockerfile "$stage"
image_bytes="$("$engine" "${args[@]}" image inspect "$tag" --format '{{.Size}}')"
bin_bytes="$(stat -c %s "$bin")"
echo "image $tag: $image_bytes bytes; binary: $bin_bytes bytes"
[[ -n "$sizes" ]] || exit 0

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
# What the binary and the image are made of, changed since that commit or not.
git diff --quiet HEAD -- Cargo.toml Cargo.lock 'crates/*/Cargo.toml' 'crates/*/build.rs' \
    'crates/*/src' 'crates/*/link' 'crates/*/migrations' Dockerfile deploy/container/rootfs.sh \
    2>/dev/null || commit="$commit with uncommitted changes"
cat > "$sizes" <<TABLE
# Sizes of the release binary and the runtime image

Written by \`bash deploy/container/build-local.sh\` (do not edit by hand); README.md and
deploy/README.md quote these figures (1 MB = 10^6 bytes).

| what | bytes | MB |
|---|---|---|
| release binary (\`cargo build --release --locked -p cxhook-cli\`, stripped) | $bin_bytes | $(mb "$bin_bytes") |
| runtime image (\`FROM scratch\`: the binary, the libraries it links, CA certificates) | $image_bytes | $(mb "$image_bytes") |

Measured on $(date -u +%Y-%m-%d), commit $commit, $(rustc --version | cut -d' ' -f1-2),
$(uname -m), $("$engine" --version).
TABLE
echo "wrote $sizes"
