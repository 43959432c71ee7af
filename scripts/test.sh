#!/usr/bin/env bash
# Builds everything and runs the whole test suite, the MySQL backend against
# a real MariaDB server started here (and stopped at the end).
#   scripts/test.sh              # release build
#   scripts/test.sh --sanitize   # ASan + UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  build_dir=build-asan
  cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DIAM_SANITIZE=ON)
fi

bash scripts/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"

(cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)

mariadb_dir=$(mktemp -d /tmp/iam-mariadb.XXXXXX)
trap 'bash scripts/mariadb.sh stop "$mariadb_dir"; rm -rf "$mariadb_dir"' EXIT
bash scripts/mariadb.sh start "$mariadb_dir"
IAM_TEST_MYSQL_URL=$(cat "$mariadb_dir/url")
export IAM_TEST_MYSQL_URL IAM_REQUIRE_MYSQL=1

ctest --test-dir "$build_dir" --output-on-failure -j 2

# The policy parser and evaluator under libFuzzer, for a bounded time.
bash scripts/fuzz.sh "${IAM_FUZZ_SECONDS:-60}"
