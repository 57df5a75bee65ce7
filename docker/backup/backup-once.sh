#!/bin/sh
# One backup: a pg_dump (custom format) and an archive of the media files in
# $BACKUP_DIR/<UTC time>/ (portal.dump, media.tar.gz: what `make restore
# BACKUP=...` takes), then only the newest $BACKUP_KEEP backups are kept.
# Run by backup-loop.sh in the backup container (PGHOST, PGUSER, PGPASSWORD,
# PGDATABASE name the database) and by the tests on the host, unchanged.
# A backup is written under <time>.partial and renamed when complete, so an
# interrupted run never counts as a backup and never pushes a good one out.
set -eu
: "${BACKUP_DIR:?}" "${MEDIA_DIR:?}"
keep="${BACKUP_KEEP:-7}"
case "$keep" in
  ''|*[!0-9]*|0) echo "backup: BACKUP_KEEP must be a whole number of at least 1, not '$keep'" >&2; exit 2 ;;
esac
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
partial="$BACKUP_DIR/$stamp.partial"
rm -rf "$BACKUP_DIR"/*.partial
mkdir -p "$partial"
pg_dump --format=custom --file="$partial/portal.dump"
tar -C "$MEDIA_DIR" -czf "$partial/media.tar.gz" .
mv "$partial" "$BACKUP_DIR/$stamp"
echo "backup: wrote $BACKUP_DIR/$stamp"
# Completed backups are named by their UTC time, so name order is age order.
ls -1d "$BACKUP_DIR"/[0-9]*Z 2>/dev/null | sort -r | tail -n +"$((keep + 1))" |
  while read -r old; do
    rm -rf "$old"
    echo "backup: removed $old (keeping $keep)"
  done
