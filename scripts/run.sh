#!/usr/bin/env bash
# Builds iamd and iamctl and runs iamd on the embedded SQLite store under
# ./iam-data. On the first start it prints the first admin's access key and
# also leaves it in ./iam-data/admin.key (mode 0600) for the walk-through.
# Extra arguments go to iamd (see: build/iam/server/iamd --help).
# On a fresh 2-core machine the first run takes about 5 minutes (packages
# and build, timed below); later runs start at once.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
phase() { echo "== $1 ($((SECONDS - start)) s so far)"; }

bash scripts/install-deps.sh
phase "packages ready"
# Unity batches and shared precompiled headers: a cold build in half the
# time (see the IAM_UNITY_BUILD option). No compiler cache of its own: the
# first run has nothing cached, and a later one rebuilds only what changed.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIAM_UNITY_BUILD=ON >/dev/null
cmake --build build -j "$(nproc)" --target iamd iamctl iam-policy
phase "built iamd, iamctl and iam-policy"
echo "iamctl is at $(pwd)/build/iam/cli/iamctl (iam-bench: cmake --build build --target iam-bench)"
exec build/iam/server/iamd --data-dir ./iam-data --bootstrap-key-file ./iam-data/admin.key \
  --log-format text "$@"
