#!/bin/sh
# PostgreSQL settings sized from the memory given to the server, one
# `name=value` line each: `sh tuning.sh MEMORY_MB`. The db container starts
# with them (start-tuned.sh); `make bench` applies them to the local server
# (alter-system.sh), so benchmarks measure the configuration deployed.
#   shared_buffers        25 % of the memory (PostgreSQL's own page cache)
#   effective_cache_size  75 % (what the planner assumes the OS caches)
#   work_mem              1/128 per sort or hash, at least 4 MB: the
#                         catalogue's sorted pages over a million candidates
#   maintenance_work_mem  1/16, at most 2 GB (index builds, VACUUM)
#   max_wal_size          2 GB (fewer checkpoints during bulk ingests)
#   random_page_cost      1.1 (SSD: random reads cost about a sequential one)
set -eu
memory_mb="${1:?usage: tuning.sh MEMORY_MB}"
work_mem=$((memory_mb / 128))
[ "$work_mem" -ge 4 ] || work_mem=4
maintenance=$((memory_mb / 16))
[ "$maintenance" -le 2048 ] || maintenance=2048
echo "shared_buffers=$((memory_mb / 4))MB"
echo "effective_cache_size=$((memory_mb * 3 / 4))MB"
echo "work_mem=${work_mem}MB"
echo "maintenance_work_mem=${maintenance}MB"
echo "max_wal_size=2GB"
echo "random_page_cost=1.1"
