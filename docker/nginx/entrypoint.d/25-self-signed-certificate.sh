#!/bin/sh
# Until certbot has issued a certificate, start nginx on a temporary
# self-signed one, so it can run at all and answer the ACME challenge on
# port 80. The `.self-signed` marker tells `make cert-*` to replace it.
set -eu
dir="${NGINX_CERT_DIR:?NGINX_CERT_DIR must name the certificate folder}"
if [ -f "$dir/fullchain.pem" ] && [ -f "$dir/privkey.pem" ]; then
  exit 0
fi
mkdir -p "$dir"
openssl req -x509 -nodes -newkey rsa:2048 -days 30 \
  -subj "/CN=${PORTAL_DOMAIN:-localhost}" \
  -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
chmod 600 "$dir/privkey.pem"
touch "$dir/.self-signed"
echo "$0: no certificate in $dir, created a temporary self-signed one (run make cert-prod)"
