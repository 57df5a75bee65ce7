#!/bin/sh
# Give a running PostgreSQL tuning.sh's settings for MEMORY_MB:
# `sh alter-system.sh MEMORY_MB [psql connection options...]`.
# ALTER SYSTEM writes postgresql.auto.conf and a reload applies every
# setting but shared_buffers, which waits for the next server restart
# (this script never restarts a server others may be using).
set -eu
here="$(dirname "$0")"
memory_mb="${1:?usage: alter-system.sh MEMORY_MB [psql options]}"
shift
sh "$here/tuning.sh" "$memory_mb" | while IFS='=' read -r name value; do
  echo "ALTER SYSTEM SET $name = '$value';"
done | psql -v ON_ERROR_STOP=1 -q "$@"
psql -q -tA "$@" -c "SELECT pg_reload_conf()" >/dev/null
pending="$(psql -tA "$@" -c "SELECT string_agg(name, ', ') FROM pg_settings WHERE pending_restart")"
echo "PostgreSQL settings for ${memory_mb} MB applied${pending:+; waiting for a restart: $pending}"
