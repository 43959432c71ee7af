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
        if "error" in c:  # refused: exit 2, the error on stderr
            assert out.returncode == 2, (f, c["name"], out.returncode)
            assert c["error"] in out.stderr, (f, c["name"], out.stderr)
            count += 1
            continue
        assert out.returncode == 0, (f, c["name"], out.stderr)
        got = json.loads(out.stdout)
        assert got["decision"] == c["decision"], (f, c["name"], got)
        assert isinstance(got["reasons"], list)
        count += 1
print(count)
PY
) || fail "golden cases through the binary"

out=$(echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}' | "$bin" validate) \
  || fail "valid policy refused"
[ "$out" = valid ] || fail "validate output: $out"
# Findings after "valid"; --strict refuses on a security warning.
out=$(echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}' | "$bin" validate) \
  || fail "a policy with findings refused without --strict"
echo "$out" | head -1 | grep -qx valid || fail "findings: $out"
echo "$out" | grep -q "^SECURITY_WARNING FULL_ACCESS Statement: " || fail "findings: $out"
echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}' | "$bin" validate --strict \
  >/dev/null
[ $? -eq 1 ] || fail "--strict: exit code"
out=$(echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"billing:View","Resource":"*"}}' |
      "$bin" validate --service billing) || fail "--service"
[ "$out" = valid ] || fail "a declared service is known: $out"
out=$(echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}' |
      "$bin" validate --kind resource) || fail "valid resource policy refused"
echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}' | "$bin" validate --kind resource \
  >/dev/null && fail "resource policy without Principal accepted"
out=$(echo '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}' | "$bin" validate)
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
# Policy tests: the example passes; a wrong expectation fails (exit 1,
# explained); a malformed file runs nothing (exit 2, the path named).
examples=$(cd "$(dirname "$0")/../../examples" && pwd)
out=$("$bin" test "$examples/policy-tests.yaml") || fail "the example's tests: $out"
echo "$out" | tail -1 | grep -qx "4 passed, 0 failed" || fail "test summary: $out"
sed 's/expect: ImplicitDeny/expect: Allow/' "$examples/policy-tests.yaml" | "$bin" test - \
  >/tmp/iam-policy-out.$$
[ $? -eq 1 ] || fail "a failing test: exit code"
grep -q "^FAIL  bob cannot delete a photo" /tmp/iam-policy-out.$$ || fail "no FAIL line"
grep -q "expected Allow, got ImplicitDeny" /tmp/iam-policy-out.$$ || fail "no explanation"
grep -qx "3 passed, 1 failed" /tmp/iam-policy-out.$$ || fail "failing summary"
sed 's/account: "111122223333", user: bob}/account: "1:2", user: bob}/' "$examples/policy-tests.yaml" | "$bin" test - \
  >/dev/null 2>/tmp/iam-policy-err.$$
[ $? -eq 2 ] || fail "a malformed test file: exit code"
grep -q 'tests\[0\] "bob reads a photo over TLS": request.principal.account' /tmp/iam-policy-err.$$ \
  || fail "malformed test: $(cat /tmp/iam-policy-err.$$)"
printf 'tests: []\n' | "$bin" test - >/dev/null 2>&1
[ $? -eq 2 ] || fail "an empty test file: exit code"
"$bin" test /nonexistent.yaml >/dev/null 2>&1
[ $? -eq 2 ] || fail "a missing file: exit code"
rm -f /tmp/iam-policy-err.$$ /tmp/iam-policy-out.$$
echo "$n passed, 0 failed"
