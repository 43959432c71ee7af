#!/usr/bin/env bash
# Last-used data through iamctl against a real iamd on SQLite: a user's own
# admin calls recorded with the statement that allowed them, in a table,
# JSON and CSV; the unused-access report (nobody is tracked for 90 days
# yet: all "not judged"); both reports in the audit log; bad arguments
# refused with a clear message.
set -euo pipefail
iamctl=$2
. "$(dirname "$0")/iamd_harness.sh"
start_iamd_light "$1" iamctl-access --http-listen off
new_acme
ctl user create bob >/dev/null
cat >"$dir/reader.json" <<'JSON'
{"Version": "2012-10-17",
 "Statement": [{"Sid": "SeeUsers", "Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetUser"],
                "Resource": "*"},
               {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
JSON
ctl policy create Reader --file "$dir/reader.json" >/dev/null
ctl policy attach Reader --user bob >/dev/null
ctl key create bob | sed -n 's/^access key (shown once): //p' >"$dir/bob.key"
[ -s "$dir/bob.key" ] || fail "no key for bob"
bob() { IAMCTL_ACCESS_KEY=$(cat "$dir/bob.key") $iamctl "$@"; }

# bob's own calls are decisions of the admin API: allowed ones are uses.
bob user list >/dev/null
bob user list >/dev/null
bob user get alice >/dev/null
if bob user create mallory >/dev/null 2>&1; then fail "bob may not create users"; fi

ctl access last-used --user bob >"$dir/out" || fail "last-used: $(cat "$dir/out")"
grep -q "user/bob (user), tracked since" "$dir/out" || fail "header: $(cat "$dir/out")"
grep -E "^iam +iam:ListUsers +[0-9T:.-]+Z +2 +policy/Reader@v1.Statement\[0\] \(SeeUsers\)" \
  "$dir/out" >/dev/null || fail "ListUsers row: $(cat "$dir/out")"
grep -q "iam:GetUser" "$dir/out" || fail "GetUser row: $(cat "$dir/out")"
if grep -q "iam:CreateUser" "$dir/out"; then fail "a denied call counted as a use"; fi

ctl -o json access last-used --user bob >"$dir/json"
python3 - "$dir/json" <<'PY' || fail "last-used JSON: $(cat "$dir/json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["kind"] == "user" and r["principal_arn"].endswith(":user/bob"), r
iam = [s for s in r["services"] if s["service"] == "iam"][0]
uses = {a["action"]: int(a["uses"]) for a in iam["actions"]}
assert uses == {"iam:ListUsers": 2, "iam:GetUser": 1}, uses
PY
ctl -o csv access last-used --user bob >"$dir/csv"
head -1 "$dir/csv" | grep -qx "principal,service,service_last_used,action,last_used,uses,granted_by" \
  || fail "CSV header: $(head -1 "$dir/csv")"
grep -q ",iam:ListUsers,.*,2,policy/Reader@v1.Statement\[0\] (SeeUsers)$" "$dir/csv" \
  || fail "CSV row: $(cat "$dir/csv")"

# Unused access: nobody has been tracked for 90 days on a new server.
ctl access unused >"$dir/out" || fail "unused: $(cat "$dir/out")"
grep -q "no unused access in the last 90 days" "$dir/out" || fail "unused: $(cat "$dir/out")"
grep -q "principal(s) tracked for less than 90 days, not judged yet" "$dir/out" \
  || fail "not judged: $(cat "$dir/out")"
ctl -o json access unused --days 30 --user bob >"$dir/json"
python3 - "$dir/json" <<'PY' || fail "unused JSON: $(cat "$dir/json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["days"] == 30 and len(r["not_judged"]) == 1 and r["not_judged"][0].endswith(":user/bob"), r
PY
ctl -o csv access unused | head -1 \
  | grep -qx "kind,principal,arn,finding,service,action,policy,via,statement,sid,last_used" \
  || fail "unused CSV header"

# Both reports are in the audit log.
ctl audit query --action iam:GetAccessLastUsed >"$dir/out"
[ "$(grep -c "iam:GetAccessLastUsed" "$dir/out")" -eq 3 ] || fail "audit: $(cat "$dir/out")"
ctl audit query --action iam:ListUnusedAccess | grep -q "iam:ListUnusedAccess" || fail "audit unused"

# Bad arguments: refused before anything is sent, or by the server.
expect_refused() {
  local want=$1
  shift
  if ctl "$@" >"$dir/out" 2>"$dir/err"; then fail "accepted: $*"; fi
  grep -q "$want" "$dir/err" || fail "$*: $(cat "$dir/err")"
}
expect_refused "exactly one of --user, --role, --client" access last-used
expect_refused "exactly one of --user, --role, --client" access last-used --user bob --role x
expect_refused "user not found" access last-used --user "bob' OR 1=1 --"
expect_refused "role not found" access last-used --role nobody
expect_refused "client not found" access last-used --client nobody
expect_refused "days" access unused --days 0
expect_refused "days" access unused --days 366
if bob access last-used --user alice >/dev/null 2>"$dir/err"; then fail "bob read alice's data"; fi
grep -qi "denied\|not allowed" "$dir/err" || fail "bob refused: $(cat "$dir/err")"
echo "PASS"
