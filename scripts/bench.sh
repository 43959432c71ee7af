#!/usr/bin/env bash
# Benchmarks. Policy decisions: this engine (Google Benchmark) and Cedar's
# wasm build on the same workloads, with the ratio per workload. With
# "auth": logins against raw Argon2id, and token signing and verification.
# With "authz": the in-process decision with a warm cache, then iamd on
# SQLite loaded by iam-bench (client and server on this machine). With
# "audit": the streamed export of large logs, with both sides' peak memory.
#   scripts/bench.sh          # policy
#   scripts/bench.sh auth     # authentication
#   scripts/bench.sh authz    # authorization service
#   scripts/bench.sh audit    # audit export of 100,000 and 1,000,000 records
#   scripts/bench.sh access   # Check with last-used data recorded, against off
# BENCH_BUILD=DIR uses an already built tree instead of build-release.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null
if [ -z "${BENCH_BUILD:-}" ]; then
  cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
tree=${BENCH_BUILD:-build-release}
if [ "${1:-}" = access ]; then
  cmake --build "$tree" --target authz_bench iamd iam-bench -j "$(nproc)" >/dev/null
  "$tree"/tests/bench/authz_bench --benchmark_filter=RecordingUse --benchmark_repetitions=5 \
    --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
    2>/dev/null | grep -E "^(BM_|-|Benchmark)" | grep -v "_cv\|_stddev\|_mean"
  # iamd with recording off (0) and on (every 10 s), taken in turns: this
  # machine's speed drifts over minutes, which must not pass for overhead.
  for round in $(seq 1 "${ROUNDS:-3}"); do
    for flush in 0 10; do
      dir=$(mktemp -d)
      "$tree"/iam/server/iamd --listen 127.0.0.1:0 --http-listen off --data-dir "$dir" \
        --ready-file "$dir/ready" --bootstrap-key-file "$dir/admin.key" \
        --access-flush-seconds "$flush" >"$dir/log" 2>&1 &
      pid=$!
      for _ in $(seq 1 100); do [ -s "$dir/ready" ] && break; sleep 0.1; done
      printf "round %s, access-flush-seconds %s: " "$round" "$flush"
      "$tree"/iam/bench/iam-bench check --address "$(head -1 "$dir/ready")" \
        --access-key-file "$dir/admin.key" -c 64 -d 10 -w 2 | grep -E "requests/s|p99" | tr '\n' ' '
      echo
      kill "$pid"; wait "$pid" 2>/dev/null || true
      rm -rf "$dir"
    done
  done
  exit 0
fi
if [ "${1:-}" = audit ]; then
  cmake --build build-release --target audit_fill iamd iamctl -j "$(nproc)" >/dev/null
  hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
  echo "| records | fill | export | records/s | iamctl peak RSS | iamd peak RSS before / after |"
  echo "|---:|---:|---:|---:|---:|---:|"
  for n in ${AUDIT_BENCH_SIZES:-100000 1000000}; do
    dir=$(mktemp -d)
    serve() {
      build-release/iam/server/iamd --listen 127.0.0.1:0 --http-listen off --data-dir "$dir" \
        --ready-file "$dir/ready" --bootstrap-key-file "$dir/admin.key" >>"$dir/log" 2>&1 &
      pid=$!
      for _ in $(seq 1 100); do [ -s "$dir/ready" ] && break; sleep 0.1; done
    }
    serve  # bootstraps the store and the system account's key
    kill "$pid"; wait "$pid" 2>/dev/null || true; rm -f "$dir/ready"
    start=$(date +%s.%N)
    build-release/tests/bench/audit_fill "sqlite://$dir/iam.db" "$n" >/dev/null
    fill=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')
    serve
    before=$(hwm "$pid")
    /usr/bin/time -f "%M %e" -o "$dir/time" build-release/iam/cli/iamctl \
      --address "$(head -1 "$dir/ready")" --access-key-file "$dir/admin.key" \
      audit export >"$dir/out.jsonl" 2>/dev/null
    after=$(hwm "$pid")
    lines=$(wc -l <"$dir/out.jsonl")
    read -r rss secs <"$dir/time"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    printf "| %'d | %.0f s | %.1f s | %'.0f | %'d KiB | %'d / %'d KiB |\n" "$lines" "$fill" "$secs" \
      "$(awk -v n="$lines" -v s="$secs" 'BEGIN {print n / s}')" "$rss" "$before" "$after"
    rm -rf "$dir"
  done
  exit 0
fi
if [ "${1:-}" = authz ]; then
  cmake --build build-release --target authz_bench iamd iam-bench -j "$(nproc)" >/dev/null
  build-release/tests/bench/authz_bench --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true 2>/dev/null | grep -E "^(BM_|-|Benchmark)" | grep -v "_cv\|_stddev"
  dir=$(mktemp -d)
  build-release/iam/server/iamd --listen 127.0.0.1:0 --http-listen off --data-dir "$dir" \
    --ready-file "$dir/ready" --bootstrap-key-file "$dir/admin.key" >"$dir/log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
  for _ in $(seq 1 100); do [ -s "$dir/ready" ] && break; sleep 0.1; done
  load() {
    echo "\$ iam-bench $*"
    build-release/iam/bench/iam-bench --address "$(head -1 "$dir/ready")" \
      --access-key-file "$dir/admin.key" "$@"
    echo
  }
  load check -c 64 -d 10 -w 2
  load check -c 64 -d 10 -w 2 --principal token
  load batch-check -b 100 -c 8 -d 10 -w 2
  load verify-token -c 64 -d 10 -w 2
  exit 0
fi
if [ "${1:-}" = auth ]; then
  cmake --build build-release --target auth_bench -j "$(nproc)" >/dev/null
  show() { grep -E "^(BM_|-|Benchmark)" | grep -v "_cv\|_stddev"; }
  # Argon2 alone and logins, interleaved: this machine's speed drifts by
  # several percent over a minute, which must not pass for overhead.
  build-release/tests/bench/auth_bench --benchmark_filter='Argon2id|Login' \
    --benchmark_min_time=2 --benchmark_repetitions=6 --benchmark_enable_random_interleaving=true \
    --benchmark_report_aggregates_only=true 2>/dev/null | show
  build-release/tests/bench/auth_bench --benchmark_filter='-Argon2id|Login' \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null | show
  exit 0
fi
cmake --build build-release --target policy_bench -j "$(nproc)" >/dev/null
(cd tests/bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build-release/tests/bench/policy_bench --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_format=json >"$out/iam.json"
node tests/bench/cedar_bench.mjs >"$out/cedar.jsonl"
python3 - "$out/iam.json" "$out/cedar.jsonl" <<'PY'
import json, sys
iam = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b["name"].startswith("BM_Decision/") and b.get("aggregate_name") == "median":
        n, m = b["run_name"].split("/")[1:3]
        iam[(int(n), m == "1")] = b["real_time"] / 1000.0  # ns -> us
    elif b.get("aggregate_name") == "median":
        print(f'{b["run_name"]}: {b["real_time"]:.0f} ns median')
cedar = {}
for line in open(sys.argv[2]):
    d = json.loads(line)
    cedar[(d["policies"], d["match"])] = d["median_us"]
print()
print("| policies | request | this engine (median) | decisions/s | Cedar wasm (median) | Cedar / this |")
print("|---:|---|---:|---:|---:|---:|")
for key in sorted(iam):
    n, match = key
    us = iam[key]
    c = cedar.get(key)
    cs = f"{c:,.1f} µs" if c else "-"
    ratio = f"{c / us:,.0f}×" if c else "-"
    print(f"| {n:,} | {'one matches' if match else 'none matches'} | {us * 1000:,.0f} ns | "
          f"{1e6 / us:,.0f} | {cs} | {ratio} |")
print()
print(f"growth 10 -> 100,000 policies: {iam[(100000, True)] / iam[(10, True)]:.2f}x")
PY
