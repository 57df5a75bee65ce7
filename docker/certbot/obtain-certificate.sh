#!/bin/sh
# First certificate for PORTAL_DOMAIN with certbot's webroot method
# (`make cert-prod` / `make cert-staging`). nginx must already be running:
# it serves /.well-known/acme-challenge/ from the shared webroot.
set -eu
domain="${PORTAL_DOMAIN:?PORTAL_DOMAIN must be set}"
email="${LETSENCRYPT_EMAIL:?LETSENCRYPT_EMAIL must be set in .env}"
config="${LETSENCRYPT_DIR:-/etc/letsencrypt}"
live="$config/live/$domain"

# nginx's temporary self-signed certificate sits where certbot wants to
# write: remove it (nginx keeps the loaded copy until it reloads).
if [ -f "$live/.self-signed" ]; then
  rm -rf "$live" "$config/archive/$domain" "$config/renewal/$domain.conf"
fi

set -- certonly --config-dir "$config" \
  --webroot -w "${CERTBOT_WEBROOT:-/var/www/certbot}" -d "$domain" \
  --email "$email" --agree-tos --no-eff-email --non-interactive \
  --keep-until-expiring
case "${LETSENCRYPT_TEST_CA:-false}" in
  1|true|yes|on) set -- "$@" --test-cert ;;
esac
exec certbot "$@"
