#!/bin/sh
# The official nginx image's /docker-entrypoint.sh, as far as the stack
# uses it: before `nginx`, source the executable *.envsh and run the
# executable *.sh of /docker-entrypoint.d/ in name order.
set -eu
if [ "${1:-}" = nginx ]; then
  for script in $(find /docker-entrypoint.d/ -follow -type f | sort); do
    case "$script" in
      *.envsh) if [ -x "$script" ]; then . "$script"; fi ;;
      *.sh) if [ -x "$script" ]; then "$script"; fi ;;
    esac
  done
fi
exec "$@"
