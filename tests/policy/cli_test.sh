#!/usr/bin/env bash
# The iam-policy contract: stdin JSON in, JSON out, exit codes.
set -uo pipefail
bin=$1
data=$2
fail() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }

# Every golden case through the binary gives the golden decision.
n=$(python3 - "$bin" "$data" <<'PY'
import json, subprocess, sys, glob
bin, data = sys.argv[1], sys.argv[2]
count = 0
for f in sorted(glob.glob(data + "/*.json")):
    for c in json.load(open(f))["cases"]:
        out = subprocess.run([bin, "eval"], input=json.dumps(c["input"]), capture_output=True,
                             text=True)
        assert out.returncode == 0, (f, c["name"], out.stderr)
        got = json.loads(out.stdout)
        assert got["decision"] == c["decision"], (f, c["name"], got)
        assert isinstance(got["reasons"], list)
        count += 1
print(count)
PY
) || fail "golden cases through the binary"

out=$(echo '{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}' | "$bin" validate) \
  || fail "valid policy refused"
[ "$out" = valid ] || fail "validate output: $out"
out=$(echo '{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}' |
      "$bin" validate --kind resource) || fail "valid resource policy refused"
echo '{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}' | "$bin" validate --kind resource \
  >/dev/null && fail "resource policy without Principal accepted"
out=$(echo '{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}' | "$bin" validate)
[ $? -eq 1 ] || fail "invalid policy: exit code"
echo "$out" | grep -q 'Statement\[0\].Effect' || fail "invalid policy: no path in '$out'"

echo '{"request":{"principal":{"account":"111122223333"},"action":"s3:GetObject"}}' |
  "$bin" eval 2>/tmp/iam-policy-err.$$ >/dev/null
[ $? -eq 2 ] || fail "malformed input: exit code"
grep -q 'request.resource' /tmp/iam-policy-err.$$ || fail "malformed input: path"
echo 'not json' | "$bin" eval >/dev/null 2>&1
[ $? -eq 2 ] || fail "non-JSON input: exit code"
out=$(echo '{"identity_policies":[{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}],
  "request":{"principal":{"account":"111122223333","user":"a"},"action":"s3:GetObject",
  "resource":"arn:aws:s3:::b/k"}}' | "$bin" eval --explain) || fail "explain"
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["trace"], d' ||
  fail "explain has no trace"
rm -f /tmp/iam-policy-err.$$
echo "$n passed, 0 failed"
