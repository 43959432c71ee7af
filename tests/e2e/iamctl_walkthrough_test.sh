#!/usr/bin/env bash
# The README's walk-through, for real: iamd on SQLite, then iamctl creates an
# account, a user with email and phone, a group with that user, and lists the
# users as JSON with the email masked. Also: errors are one line and a
# non-zero exit, secrets are never taken from argv, and nothing secret is
# logged.
set -euo pipefail
iamd=$1
iamctl=$2
. "$(dirname "$0")/iamd_harness.sh"
start_iamd "$iamd" iamctl-test --http-listen 127.0.0.1:0


grep -q "$(cat "$dir/admin.key")" "$dir/stdout" || fail "the bootstrap key was not printed"
[ "$(stat -c %a "$dir/data/master.key")" = 600 ] || fail "the generated master key is not 0600"
[ "$(stat -c %a "$dir/admin.key")" = 600 ] || fail "the bootstrap key file is not 0600"
$iamctl $root whoami | grep -q "admin" || fail "whoami"
$iamctl $root account create acme --display-name "Acme Corp" --admin-username alice \
  --save-profile acme >/dev/null
[ "$(stat -c %a "$dir/iamctl.conf")" = 600 ] || fail "profile file is not 0600"
$iamctl --profile acme user create bob --email bob@example.com --phone 13812341234 >/dev/null
$iamctl --profile acme group create devs --description Developers >/dev/null
$iamctl --profile acme group add-member devs bob >/dev/null

json=$($iamctl --profile acme user list --output json)
python3 - "$json" <<'PY' || fail "user list JSON"
import json, sys
users = {u["username"]: u for u in json.loads(sys.argv[1])["users"]}
bob = users["bob"]
assert bob["email"] == "b***@example.com", bob
assert bob["phone"] == "138****1234", bob
assert bob["pii_revealed"] is False
assert users["alice"]["admin"] is True
PY
$iamctl --profile acme group members devs | grep -q bob || fail "group members"
$iamctl --profile acme user get bob --reveal | grep -q "bob@example.com" || fail "reveal"

# Errors: one line on stderr, non-zero exit, the gRPC code named.
if $iamctl --profile acme user get nobody 2>"$dir/err"; then fail "unknown user succeeded"; fi
[ "$(wc -l <"$dir/err")" -eq 1 ] || fail "error is not one line"
grep -q "^iamctl: NOT_FOUND: " "$dir/err" || fail "error format: $(cat "$dir/err")"
if $iamctl --profile acme user create "x'; DROP TABLE users;--" 2>"$dir/err"; then
  fail "hostile username accepted"
fi
grep -q "INVALID_ARGUMENT: username" "$dir/err" || fail "hostile username: $(cat "$dir/err")"
# Another tenant is invisible, even to the operators.
acme=$($iamctl --profile acme -o json whoami | python3 -c 'import json,sys; print(json.load(sys.stdin)["account_id"])')
if $iamctl $root user list --account "$acme" 2>"$dir/err"; then fail "operator saw inside acme"; fi
grep -q NOT_FOUND "$dir/err" || fail "isolation: $(cat "$dir/err")"
# No secret on the command line: there is no flag for one.
if $iamctl --access-key "x" whoami 2>/dev/null; then fail "--access-key accepted"; fi
if IAMCTL_ACCESS_KEY= $iamctl --profile nosuch --address "$IAMCTL_ADDRESS" whoami 2>"$dir/err"; then
  fail "no credentials succeeded"
fi
grep -q UNAUTHENTICATED "$dir/err" || fail "missing key: $(cat "$dir/err")"

# Graceful shutdown, and no secret in the logs.
kill -TERM "$pid"; wait "$pid"; pid=
grep -q '"msg":"stopped"' "$dir/stderr" || fail "no graceful stop"
for secret in "$(cat "$dir/admin.key")" "$(cut -d. -f2 "$dir/admin.key")" \
              "$(grep access_key "$dir/iamctl.conf" | head -1 | sed 's/.*= //')"; do
  if grep -qF "$secret" "$dir/stderr"; then fail "a secret appears in the log"; fi
done
echo "1 passed, 0 failed"
