#!/bin/sh
# The db container's command: the official image's entrypoint running
# `postgres -c name=value ...` with tuning.sh's settings for
# POSTGRES_MEMORY_MB.
set -eu
here="$(dirname "$0")"
settings="$(sh "$here/tuning.sh" "${POSTGRES_MEMORY_MB:?set POSTGRES_MEMORY_MB}")"
set --
for setting in $settings; do
  set -- "$@" -c "$setting"
done
exec docker-entrypoint.sh postgres "$@"
