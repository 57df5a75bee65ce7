#!/bin/sh
# certbot service: try to renew every CERTBOT_RENEW_INTERVAL (default 12h).
# certbot only renews certificates within 30 days of expiry; nginx picks
# them up on its next reload. A successful pass touches the heartbeat file
# the healthcheck reads, so a renewal failing for 13 h marks us unhealthy.
set -u
trap 'exit 0' TERM INT
heartbeat="${CERTBOT_HEARTBEAT:-/tmp/certbot-heartbeat}"
while :; do
  if certbot renew --non-interactive \
    --config-dir "${LETSENCRYPT_DIR:-/etc/letsencrypt}" \
    --webroot -w "${CERTBOT_WEBROOT:-/var/www/certbot}"; then
    touch "$heartbeat"
  fi
  sleep "${CERTBOT_RENEW_INTERVAL:-12h}" &
  wait $!
done
