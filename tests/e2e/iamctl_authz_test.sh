#!/usr/bin/env bash
# Authorization through iamctl against a real iamd on SQLite: managed
# policies and their versions, attachments, a temporary role, separation of
# duties, a resource policy and an ACL, the simulator with its reasons, and
# the permissions export in JSON and CSV.
set -euo pipefail
iamctl=$2
. "$(dirname "$0")/iamd_harness.sh"
start_iamd_light "$1" iamctl-authz --http-listen off
new_acme
ctl user create bob >/dev/null

cat >"$dir/read.json" <<'JSON'
{"Version": "2012-10-17",
 "Statement": [{"Sid": "ReadPhotos", "Effect": "Allow", "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::photos/*"}]}
JSON
ctl policy create ReadPhotos --file "$dir/read.json" >"$dir/out" || fail "create: $(cat "$dir/out")"; grep -q "policy/ReadPhotos (v1)" "$dir/out" \
  || fail "policy create"
ctl policy attach ReadPhotos --user bob >/dev/null
ctl simulate --user bob --action s3:GetObject --resource arn:aws:s3:::photos/a.jpg >"$dir/sim"
head -1 "$dir/sim" | grep -qx ALLOW || fail "simulate: $(cat "$dir/sim")"
grep -q "policy/ReadPhotos@v1.Statement\[0\] (ReadPhotos)" "$dir/sim" || fail "reasons: $(cat "$dir/sim")"

# A new default version changes the decision; the old one can come back.
sed 's/s3:GetObject/s3:PutObject/' "$dir/read.json" | ctl policy update ReadPhotos --file - \
  | grep -q "version 2 (default)" || fail "policy update"
ctl simulate --user bob --action s3:GetObject --resource arn:aws:s3:::photos/a.jpg | head -1 \
  | grep -qx IMPLICIT_DENY || fail "the new default should not allow reading"
ctl policy set-default ReadPhotos 1 >/dev/null
ctl policy versions ReadPhotos | grep -q "v1 *yes" || fail "versions"

# A policy test file (iam-policy test's) against the live policies.
cat >"$dir/live.yaml" <<'YAML'
tests:
  - name: bob reads photos
    request: {principal: {user: bob}, action: s3:GetObject, resource: "arn:aws:s3:::photos/a.jpg"}
    expect: Allow
  - name: bob cannot delete photos
    request: {principal: {user: bob}, action: s3:DeleteObject, resource: "arn:aws:s3:::photos/a.jpg"}
    expect: Deny
YAML
ctl simulate --file "$dir/live.yaml" >"$dir/sim" || fail "simulate --file: $(cat "$dir/sim")"
grep -q "^2 passed, 0 failed" "$dir/sim" || fail "simulate --file summary: $(cat "$dir/sim")"
sed 's/expect: Deny/expect: Allow/' "$dir/live.yaml" >"$dir/wrong.yaml"
if ctl simulate --file "$dir/wrong.yaml" >"$dir/sim"; then fail "a failed expectation exit 0"; fi
grep -q "^FAIL  bob cannot delete photos" "$dir/sim" || fail "FAIL line: $(cat "$dir/sim")"
grep -q "expected Allow, got ImplicitDeny" "$dir/sim" || fail "explanation: $(cat "$dir/sim")"
printf 'tests:\n  - name: x\n    request: {action: a:b, resource: "*"}\n    expect: Allow\n' \
  >"$dir/nouser.yaml"
if ctl simulate --file "$dir/nouser.yaml" 2>"$dir/err"; then fail "a test without a user ran"; fi
grep -q 'tests\[0\] "x".request.principal: a live simulation needs a user' "$dir/err" \
  || fail "no user: $(cat "$dir/err")"

# Findings: validate alone, beside a write, and --strict refusing.
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' \
  >"$dir/all.json"
ctl policy validate --file "$dir/all.json" >"$dir/out" || fail "validate: $(cat "$dir/out")"
head -1 "$dir/out" | grep -qx valid || fail "validate: $(cat "$dir/out")"
grep -q "^SECURITY_WARNING FULL_ACCESS Statement\[0\]: " "$dir/out" || fail "finding: $(cat "$dir/out")"
if ctl policy validate --file "$dir/all.json" --strict >/dev/null; then fail "validate --strict"; fi
if ctl policy create Everything --file "$dir/all.json" --strict >"$dir/out" 2>"$dir/err"; then
  fail "--strict created a policy with a security warning"
fi
grep -q "nothing was written" "$dir/err" || fail "--strict: $(cat "$dir/err")"
if ctl policy get Everything 2>/dev/null; then fail "--strict left a policy behind"; fi
ctl policy create Everything --file - <"$dir/all.json" >"$dir/out"
grep -q "^SECURITY_WARNING FULL_ACCESS" "$dir/out" || fail "create's findings: $(cat "$dir/out")"
ctl policy delete Everything >/dev/null
ctl policy create Everything2 --file - --strict <"$dir/read.json" >/dev/null \
  || fail "--strict with stdin and nothing to find"

# A bad document names its path.
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}' \
  >"$dir/bad.json"
if ctl policy create Bad --file "$dir/bad.json" 2>"$dir/err"; then fail "bad document accepted"; fi
grep -q "Statement\[0\].Effect" "$dir/err" || fail "error path: $(cat "$dir/err")"

# A temporary role, and separation of duties.
ctl role create oncall --description "paged at night" >/dev/null
ctl role create auditor >/dev/null
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ops:*","Resource":"*"}]}' |
  ctl policy put-inline Ops --role oncall --file - >/dev/null
ctl role assign oncall --user bob --for 4h | grep -q "until" || fail "role assign --for"
ctl role list --user bob | grep -q "^oncall" || fail "role list --user"
ctl simulate --user bob --action ops:Restart --resource arn:aws:ops:::svc/web >"$dir/sim"
grep -q "through role oncall" "$dir/sim" || fail "role reason: $(cat "$dir/sim")"
ctl role forbid-together duties oncall auditor >/dev/null
if ctl role assign auditor --user bob 2>"$dir/err"; then fail "separation of duties ignored"; fi
grep -q "rule duties" "$dir/err" || fail "SoD error: $(cat "$dir/err")"

# MFA required of a role's holders: a list given to --set.
ctl user create carol >/dev/null
ctl account set-mfa-policy --set mode=required_for --set 'required_roles=["oncall"]' >"$dir/out" \
  || fail "mfa policy with required_roles: $(cat "$dir/out")"
ctl account get-policy mfa | grep -q '"oncall"' || fail "required_roles not stored"
ctl mfa status --user bob | tail -1 | awk '{print $5}' | grep -qx yes || fail "bob should need MFA"
ctl mfa status --user carol | tail -1 | awk '{print $5}' | grep -qx no || fail "carol should not"
ctl account set-mfa-policy --set mode=optional --set 'required_roles=[]' >/dev/null

# Context keys in the simulator: an IP condition.
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"wiki:Read","Resource":"*",
 "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}' |
  ctl policy put-inline Wiki --user bob --file - >/dev/null
ctl simulate --user bob --action wiki:Read --resource arn:aws:wiki:::p/1 \
  --context aws:SourceIp=10.2.3.4 | head -1 | grep -qx ALLOW || fail "IP condition"
ctl simulate --user bob --action wiki:Read --resource arn:aws:wiki:::p/1 \
  --context aws:SourceIp=192.0.2.1 | head -1 | grep -qx IMPLICIT_DENY || fail "IP condition deny"

# Resource policy and ACL.
cat >"$dir/bucket.json" <<'JSON'
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": "arn:aws:s3:::photos/secret/*"}]}
JSON
ctl resource-policy put arn:aws:s3:::photos --file "$dir/bucket.json" >/dev/null
ctl resource-policy get arn:aws:s3:::photos | grep -q '"Deny"' || fail "resource-policy get"
ctl simulate --user bob --action s3:GetObject --resource arn:aws:s3:::photos/secret/x \
  | head -1 | grep -qx EXPLICIT_DENY || fail "resource policy deny"
ctl acl put arn:aws:s3:::photos/public/logo.png --canned public-read >/dev/null
ctl acl get arn:aws:s3:::photos/public/logo.png | grep -q "READ" || fail "acl get"
if ctl acl put arn:aws:s3:::photos/x --grant CanonicalUser:123:READ 2>"$dir/err"; then
  fail "bad grant accepted"
fi
ctl acl put arn:aws:s3:::photos/public/gone.png --canned public-read >/dev/null
ctl acl delete arn:aws:s3:::photos/public/gone.png | grep -qx deleted || fail "acl delete"
if ctl acl get arn:aws:s3:::photos/public/gone.png 2>/dev/null; then fail "deleted ACL still there"; fi

# Export: JSON and CSV, and the export itself is audited.
ctl -o json export permissions >"$dir/export.json"
grep -q '"arn": "arn:aws:iam::[0-9]*:user/bob"' "$dir/export.json" || fail "export json"
ctl -o csv export permissions >"$dir/export.csv"
head -1 "$dir/export.csv" | grep -q "^principal_type,principal,arn,via,policy,effect" || fail "csv header"
grep -q "^user,bob,.*,role:oncall,inline:Ops,Allow,ops:\*,\*,no$" "$dir/export.csv" \
  || fail "csv rows: $(cat "$dir/export.csv")"
grep -q "^user,bob,.*,user,.*policy/ReadPhotos,Allow,s3:getobject" "$dir/export.csv" \
  || fail "csv user rows: $(cat "$dir/export.csv")"
echo "ok"
