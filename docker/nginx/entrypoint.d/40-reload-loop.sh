#!/bin/sh
# Reload nginx every NGINX_RELOAD_INTERVAL (default 6h) so certificates
# renewed by the certbot container are picked up without a restart.
# Runs from the official image's entrypoint, in the background.
set -eu
interval="${NGINX_RELOAD_INTERVAL:-6h}"
(
  while :; do
    sleep "$interval"
    nginx -s reload || echo "$0: nginx reload failed" >&2
  done
) &
echo "$0: reloading nginx every $interval"
