#!/bin/sh
# The backup container: one backup a day, at the first check past
# $BACKUP_HOUR_UTC o'clock (UTC) on a day that has none yet, so a restart
# neither skips a day nor takes a second one. Checks every 5 minutes; the
# heartbeat file is touched after every check whose backup (if due)
# succeeded, and the healthcheck reads its age.
set -u
hour="${BACKUP_HOUR_UTC:-2}"
heartbeat=/tmp/backup-heartbeat
while :; do
  today="$(date -u +%Y%m%d)"
  now_hour="$(date -u +%H)"
  if [ "${now_hour#0}" -ge "$hour" ] && ! ls -d "$BACKUP_DIR/$today"T*Z >/dev/null 2>&1; then
    if sh "$(dirname "$0")/backup-once.sh"; then
      touch "$heartbeat"
    else
      echo "backup: failed, trying again at the next check" >&2
    fi
  else
    touch "$heartbeat"
  fi
  sleep "${BACKUP_CHECK_INTERVAL:-300}"
done
