#!/bin/sh
# The official image's 20-envsubst-on-templates.sh: render
# /etc/nginx/templates/*.template into /etc/nginx/conf.d/, substituting
# only the environment variables that are set (nginx's own $vars stay).
set -eu
defined="$(printf '${%s} ' $(env | cut -d= -f1))"
for template in /etc/nginx/templates/*.template; do
  [ -f "$template" ] || continue
  out="/etc/nginx/conf.d/$(basename "$template" .template)"
  envsubst "$defined" < "$template" > "$out"
  echo "$0: rendered $template to $out"
done
