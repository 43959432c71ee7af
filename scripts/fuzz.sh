#!/usr/bin/env bash
# Builds the policy fuzzer with clang and runs it for a bounded time.
#   scripts/fuzz.sh [seconds]    (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DIAM_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz --target policy_fuzz -j "$(nproc)"
work=$(mktemp -d /tmp/iam-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r tests/fuzz/corpus/policy "$work/corpus"
# -max_len covers AWS's largest documents; -rss_limit guards memory.
build-fuzz/tests/fuzz/policy_fuzz "$work/corpus" -max_total_time="$seconds" -max_len=24576 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" 2>&1 | tail -15
echo "fuzz: no crash in ${seconds}s"
