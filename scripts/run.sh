#!/usr/bin/env bash
# Builds iamd and iamctl and runs iamd on the embedded SQLite store under
# ./iam-data. On the first start it prints the first admin's access key and
# also leaves it in ./iam-data/admin.key (mode 0600) for the walk-through.
# Extra arguments go to iamd (see: build/iam/server/iamd --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target iamd iamctl
echo "iamctl is at $(pwd)/build/iam/cli/iamctl"
exec build/iam/server/iamd --data-dir ./iam-data --bootstrap-key-file ./iam-data/admin.key \
  --log-format text "$@"
