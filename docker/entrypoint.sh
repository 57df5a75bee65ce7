#!/bin/sh
# Web container start-up: apply migrations (unless MIGRATE_ON_START=false),
# then run the command (gunicorn in production, runserver in dev).
set -eu
case "${MIGRATE_ON_START:-true}" in
  1|true|yes|on) python manage.py migrate --noinput ;;
esac
exec "$@"
