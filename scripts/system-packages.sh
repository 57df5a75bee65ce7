#!/bin/sh
# Install the Debian packages some tests drive (`make system-packages`,
# run by `make test`): `sh system-packages.sh PACKAGE...`.
# Only root with apt-get can install; anywhere else this says so and
# succeeds, and the tests needing a missing package skip (the end of the
# pytest run names them and this command).
set -eu
missing=""
for package in "$@"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: not installing$missing (needs root and apt-get); the tests using them will skip"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086  # one word per package
if apt-get update -qq && apt-get install -y -qq $missing >/dev/null; then
  echo "system-packages: installed$missing"
else
  echo "system-packages: apt-get could not install$missing; the tests using them will skip"
fi
