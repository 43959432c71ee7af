#!/usr/bin/env bash
# Builds everything and runs the whole test suite, the MySQL backend against
# a real MariaDB server and a real 3-node MariaDB Galera cluster started here
# (and stopped at the end), after a bounded libFuzzer run of the policy
# engine.
#   scripts/test.sh              # release build (under CI=true: then ASan+UBSan too)
#   scripts/test.sh --sanitize   # ASan + UBSan build only, in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

suites=(release)
if [ "${1:-}" = "--sanitize" ]; then
  suites=(sanitize)
elif [ "${CI:-}" = "true" ]; then
  suites=(release sanitize)
fi

# Each phase's wall time, printed as it ends and again at the end.
phases=()
phase_start=$SECONDS
phase_done() {
  local took=$((SECONDS - phase_start))
  phases+=("$(printf '%-28s %5d s' "$1" "$took")")
  echo "== phase: $1 took ${took} s"
  phase_start=$SECONDS
}
report() {
  echo "== phase times"
  for p in "${phases[@]}"; do echo "   $p"; done
  echo "   total                        $(printf '%5d' "$SECONDS") s"
}

bash scripts/install-deps.sh --tests
(cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
phase_done "packages"

# ccache (installed by install-deps.sh) makes a rebuild of unchanged files
# nearly free.
# Paths are made relative to the checkout, so another clone (CI's) finds
# the same entries.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
  # The tests' precompiled header: ccache caches it and the files using it
  # only when told that its timestamps and macros may be ignored.
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
fi

build() {
  case $1 in
    release) cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIAM_UNITY_BUILD=ON \
               "${launcher[@]}" >/dev/null ;;
    sanitize) cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DIAM_SANITIZE=ON \
                -DIAM_UNITY_BUILD=ON "${launcher[@]}" >/dev/null ;;
  esac
  cmake --build "$(dir_of "$1")" -j "$(nproc)"
}
dir_of() { [ "$1" = release ] && echo build || echo build-asan; }

for suite in "${suites[@]}"; do build "$suite"; phase_done "build $suite"; done

# The policy parser and evaluator under libFuzzer, for a bounded time.
if [ "${suites[0]}" = release ]; then
  bash scripts/fuzz.sh "${IAM_FUZZ_SECONDS:-60}"
  phase_done "fuzz (build and run)"
fi

mariadb_dir=$(mktemp -d /tmp/iam-mariadb.XXXXXX)
galera_dir=$(mktemp -d /tmp/iam-galera.XXXXXX)
cleanup() {
  bash scripts/mariadb.sh stop "$mariadb_dir" || true
  bash scripts/galera.sh stop "$galera_dir" || true
  rm -rf "$mariadb_dir" "$galera_dir"
  report
}
trap cleanup EXIT
bash scripts/mariadb.sh start "$mariadb_dir"
# A 3-node MariaDB Galera cluster for the replicated-store tests.
bash scripts/galera.sh start "$galera_dir"
IAM_TEST_MYSQL_URL=$(cat "$mariadb_dir/url")
IAM_TEST_GALERA_URL=$(cat "$galera_dir/url")
export IAM_TEST_MYSQL_URL IAM_TEST_GALERA_URL IAM_TEST_GALERA_DIR=$galera_dir IAM_REQUIRE_MYSQL=1
phase_done "MariaDB and Galera start"

status=0
for suite in "${suites[@]}"; do
  echo "== $suite suite"
  ctest --test-dir "$(dir_of "$suite")" --output-on-failure -j 2 || status=1
  phase_done "$suite suite"
done
exit $status
