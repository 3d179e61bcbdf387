#!/usr/bin/env bash
# Assembles the runtime file system of the cxhook image: the binary at
# /usr/local/bin/cxhook, the shared libraries it links (as `ldd` lists them), the CA
# certificates that HTTPS calls (weather, an external scheduling API) are verified against,
# and /data owned by the non-root user 65532 that the image runs as (ROOTFS_OWNER=UID:GID
# gives it to another user: giving files away takes root, which a test need not be).
#
#   bash deploy/container/rootfs.sh BINARY ROOTFS
set -euo pipefail
bin="$1"
root="$2"
owner="${ROOTFS_OWNER:-65532:65532}"

rm -rf "$root"
mkdir -p "$root/usr/local/bin" "$root/data" "$root/tmp" "$root/etc"
cp "$bin" "$root/usr/local/bin/cxhook"
ldd "$bin" | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | while read -r lib; do
    cp --parents -L "$lib" "$root"
done
cas=/etc/ssl/certs/ca-certificates.crt
[[ -f "$cas" ]] || { echo "rootfs: $cas is missing (apt-get install ca-certificates)" >&2; exit 1; }
cp --parents -L "$cas" "$root"
echo "nonroot:x:65532:65532:nonroot:/data:/sbin/nologin" > "$root/etc/passwd"
echo "nonroot:x:65532:" > "$root/etc/group"
chown -R "$owner" "$root/data"
chmod 1777 "$root/tmp"
