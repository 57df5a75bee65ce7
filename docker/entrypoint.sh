#!/bin/sh
# Web container start-up: apply migrations (unless MIGRATE_ON_START=false;
# one replica at a time, see portal/management/commands/migrate_once.py),
# then run the command (gunicorn in production, runserver in dev).
set -eu
case "${MIGRATE_ON_START:-true}" in
  1|true|yes|on) python manage.py migrate_once ;;
esac
exec "$@"
