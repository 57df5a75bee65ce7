#!/bin/sh
# `make test` as a new machine sees it: a fresh clone of the current commit,
# run as root in a bare Debian bookworm container (podman) holding only
# Python 3.11, make and git; no PostgreSQL, Redis, nginx or Chromium.
#   sh scripts/fresh-container-test.sh [IMAGE]   (default localhost/debian:bookworm)
# This host's HTTPS trust goes in with it (package downloads pass a proxy
# whose CA only that bundle holds). The log is var/fresh-container/make-test.log.
# A missing image is made the way `make stack-test` makes its base: a
# debootstrap --variant=minbase tree of bookworm (kept in var/stack/),
# then `podman import` (needs root, podman, runc and debootstrap). podman
# runs with the boot test's settings (runc, the host's ulimits).
set -eu
image="${1:-localhost/debian:bookworm}"
repo="$(git rev-parse --show-toplevel)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$repo/tests/deploy/standins/containers.conf}"
if ! podman image exists "$image"; then
  (cd "$repo" && STACK_BASE_IMAGE="$image" python3 -c \
    'from tests.deploy.stack import ensure_base_image; ensure_base_image()')
fi
bundle=/etc/ssl/certs/ca-certificates.crt
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet --no-local "$repo" "$work/portal"
git -C "$work/portal" checkout --quiet "$(git -C "$repo" rev-parse HEAD)"
mkdir -p "$repo/var/fresh-container"
# The bundle is mounted beside the system's, which Debian's ca-certificates
# package would rewrite.
log="$repo/var/fresh-container/make-test.log"
status=0
podman run --rm \
  -v "$work/portal:/src:ro" \
  -v "$bundle:/etc/ssl/host-ca-certificates.crt:ro" \
  -e PIP_CERT=/etc/ssl/host-ca-certificates.crt \
  -e SSL_CERT_FILE=/etc/ssl/host-ca-certificates.crt \
  -e REQUESTS_CA_BUNDLE=/etc/ssl/host-ca-certificates.crt \
  "$image" sh -c '
    set -e
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3 python3-venv make git >/dev/null
    git clone --quiet /src /root/portal
    cd /root/portal
    make test
  ' >"$log" 2>&1 || status=$?
tail -n 25 "$log"
echo "fresh-container: make test exited $status (log: $log)"
exit "$status"
