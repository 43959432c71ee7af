#!/usr/bin/env bash
# iam-bench against a real iamd on SQLite: each RPC completes the requested
# number of measured calls without a failure, the trial decisions it checks
# hold, the benchmark account is closed afterwards, and bad arguments or
# credentials end with a clear error and a non-zero status.
set -euo pipefail
bench=$2
iamctl=$3
. "$(dirname "$0")/iamd_harness.sh"
start_iamd_light "$1" iam-bench-test --http-listen 127.0.0.1:0
run() { "$bench" --address "$addr" --access-key-file "$dir/admin.key" "$@"; }

for rpc in check batch-check verify-token; do
  run "$rpc" -n 300 -w 0.2 -c 8 -b 10 --policies 3 -o json >"$dir/$rpc.json" 2>"$dir/$rpc.err" \
    || fail "$rpc: $(cat "$dir/$rpc.err")"
  python3 - "$dir/$rpc.json" "$rpc" <<'PY' || fail "$rpc: $(cat "$dir/$rpc.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["rpc"] == sys.argv[2], r
assert r["requests"] == 300 and r["failed"] == 0, r
assert r["requests_per_second"] > 0 and 0 < r["p50_ms"] <= r["p99_ms"] <= r["p999_ms"] <= r["max_ms"], r
if sys.argv[2] == "batch-check":
    assert abs(r["decisions_per_second"] - 10 * r["requests_per_second"]) < 1, r
PY
done
# The browser sign-in over HTTP: whole rounds, none failing.
run code-flow --http "${http#http://}" -d 1 -w 0.2 -c 1 -o json >"$dir/flow.json" 2>"$dir/flow.err" \
  || fail "code-flow: $(cat "$dir/flow.err")"
python3 - "$dir/flow.json" <<'PY' || fail "code-flow: $(cat "$dir/flow.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["requests"] > 0 and r["failed"] == 0 and r["p50_ms"] > 0, r
PY
run check -d 0.3 -w 0 -c 4 --principal token >"$dir/text" || fail "check by token"
grep -q "^requests/s" "$dir/text" || fail "text output: $(cat "$dir/text")"

# Every benchmark account was closed.
export IAMCTL_ADDRESS=$addr IAMCTL_CONFIG="$dir/iamctl.conf"
"$iamctl" --access-key-file "$dir/admin.key" -o json account list >"$dir/accounts"
python3 - "$dir/accounts" <<'PY' || fail "accounts left open: $(cat "$dir/accounts")"
import json, sys
accounts = json.load(open(sys.argv[1]))["accounts"]
bench = [a for a in accounts if a["name"].startswith("bench-")]
assert len(bench) == 5 and all(a["state"] == "ACCOUNT_STATE_CLOSED" for a in bench), bench
PY

# Bad input: a clear message and a non-zero status, never a run.
if run check -c 0 >"$dir/out" 2>&1; then fail "concurrency 0 accepted"; fi
grep -qi "concurrency" "$dir/out" || fail "concurrency 0: $(cat "$dir/out")"
if run nonsense >"$dir/out" 2>&1; then fail "unknown rpc accepted"; fi
if "$bench" --address "$addr" --access-key-file "$dir/missing.key" check >"$dir/out" 2>&1; then
  fail "missing key file accepted"
fi
grep -q "no access key" "$dir/out" || fail "missing key: $(cat "$dir/out")"
echo "AKIAWRONG.secret" >"$dir/wrong.key"
if "$bench" --address "$addr" --access-key-file "$dir/wrong.key" check >"$dir/out" 2>&1; then
  fail "wrong key accepted"
fi
grep -q "creating the benchmark account" "$dir/out" || fail "wrong key: $(cat "$dir/out")"
echo "iam-bench test passed"
