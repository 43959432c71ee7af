#!/usr/bin/env bash
# Logins through iamctl against a real iamd on SQLite: an admin sets a
# password that must be changed, the user logs in (answering the change),
# sees the previous login, works with the saved token, is locked out after
# the configured failures and unlocked by the admin; the admin rotates the
# signing key; logout ends the token. No password reaches argv or the logs.
set -euo pipefail
iamctl=$2
. "$(dirname "$0")/iamd_harness.sh"
start_iamd_light "$1" iamctl-login --http-listen 127.0.0.1:0
new_acme
ctl user create bob >/dev/null
$iamctl --profile acme account set-lockout-policy --set max_failures=3 \
  --set quick_login_check_ms=0 --set challenge_after_failures=0 >/dev/null
$iamctl --profile acme account get-policy lockout -o json | grep -q '"max_failures\\":3' \
  || fail "lockout policy not stored"
if $iamctl --profile acme account set-password-policy --set min_length=zero 2>"$dir/err"; then
  fail "a mistyped policy field was accepted"
fi
grep -q "INVALID_ARGUMENT: min_length" "$dir/err" || fail "policy error: $(cat "$dir/err")"

# A temporary password, changed at the first login.
echo "first-temporary-pw" | $iamctl --profile acme user set-password bob >/dev/null
printf 'first-temporary-pw\nharbour-lantern-41\nharbour-lantern-41\n' |
  $iamctl --profile bob login --account acme --username bob >"$dir/out" || fail "login: $(cat "$dir/out")"
grep -q "first login" "$dir/out" || fail "first login not reported"
[ "$(stat -c %a "$dir/iamctl.conf")" = 600 ] || fail "profile with tokens is not 0600"
$iamctl --profile bob session list | grep -q " active " || fail "own session not listed"
echo "harbour-lantern-41" | $iamctl --profile bob2 login --account acme --username bob >"$dir/out"
grep -q "previous login: .* from 127.0.0.1" "$dir/out" || fail "previous login: $(cat "$dir/out")"

# bob is no admin: his token works, his rights do not stretch.
$iamctl --profile bob whoami | grep -q bob || fail "whoami with a token"
if $iamctl --profile bob user list 2>"$dir/err"; then fail "bob listed users"; fi
grep -q PERMISSION_DENIED "$dir/err" || fail "bob: $(cat "$dir/err")"

# Three wrong passwords lock him out, even with the right one; alice unlocks.
for _ in 1 2 3; do
  echo "wrong-password" | $iamctl --profile x login --account acme --username bob 2>/dev/null && fail "wrong password accepted"
done
if echo "harbour-lantern-41" | $iamctl --profile x login --account acme --username bob 2>"$dir/err"; then
  fail "locked user logged in"
fi
grep -q "locked" "$dir/err" || fail "lock message: $(cat "$dir/err")"
$iamctl --profile acme account login-blocks | grep -q "bob" || fail "lockout not listed"
$iamctl --profile acme user unlock bob >/dev/null
echo "harbour-lantern-41" | $iamctl --profile x login --account acme --username bob >/dev/null \
  || fail "login after unlock"

# After two failures the service asks for its built-in challenge, a proof
# of work: iamctl solves it and the login goes through.
$iamctl --profile acme account set-lockout-policy --set challenge_after_failures=2 >/dev/null
for _ in 1 2; do
  echo "wrong-password" | $iamctl --profile x login --account acme --username bob 2>/dev/null && fail "wrong password accepted"
done
echo "harbour-lantern-41" | $iamctl --profile x login --account acme --username bob >"$dir/out" 2>"$dir/err" \
  || fail "login through the challenge: $(cat "$dir/err")"
grep -q "solving the login challenge" "$dir/err" || fail "no challenge was solved: $(cat "$dir/err")"
$iamctl --profile acme account set-lockout-policy --set challenge_after_failures=0 >/dev/null
# A password login names its user; the browser login (--web) does not.
if $iamctl --profile x login --account acme 2>"$dir/err" </dev/null; then fail "login without a user"; fi
grep -q "username: required for a password login (or log in through the browser with --web)" \
  "$dir/err" || fail "login without a user: $(cat "$dir/err")"

# Keys: rotation by the operators; both keys published.
$iamctl $root key rotate | grep -q "new signing key" || fail "rotate"
[ "$($iamctl $root key signing-keys -o json | grep -c '"kid"')" = 2 ] || fail "signing keys"
python3 - "$http" <<'PY' || fail "JWKS over HTTP"
import json, sys, urllib.request
jwks = json.load(urllib.request.urlopen(sys.argv[1] + "/.well-known/jwks.json"))
assert len(jwks["keys"]) == 2, jwks
assert all("d" not in k for k in jwks["keys"])
PY

# Logout ends the session: the saved token stops working.
$iamctl --profile bob logout >/dev/null
if $iamctl --profile bob whoami 2>"$dir/err"; then fail "token works after logout"; fi
grep -q UNAUTHENTICATED "$dir/err" || fail "after logout: $(cat "$dir/err")"

# Session limits and ends, by the admin: one api session per user, more
# refused; all of bob's ended, then one by its id.
$iamctl --profile acme account set-session-policy --set api.max_sessions=1 --set on_limit=refuse \
  >/dev/null || fail "set-session-policy"
$iamctl --profile acme account get-policy session -o json | grep -q '\\"on_limit\\":\\"refuse\\"' \
  || fail "session policy not stored"
$iamctl --profile acme session revoke-user bob | grep -q "sessions revoked" || fail "revoke-user"
echo "harbour-lantern-41" | $iamctl --profile bob login --account acme --username bob >/dev/null \
  || fail "login after revoke-user"
if echo "harbour-lantern-41" | $iamctl --profile bob3 login --account acme --username bob 2>"$dir/err"; then
  fail "a second api session was allowed"
fi
grep -q "session_limit_reached" "$dir/err" || fail "limit message: $(cat "$dir/err")"
id=$($iamctl --profile acme session list --user bob -o json \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["sessions"][0]["id"])')
$iamctl --profile acme session revoke "$id" | grep -q "session revoked" || fail "revoke by id"
if $iamctl --profile bob whoami 2>/dev/null; then fail "a revoked session still works"; fi

# A password on the risk list: set while the account's blocklist was off,
# then found by the next login once it is on again.
$iamctl --profile acme account set-session-policy --set on_limit=evict_oldest >/dev/null
$iamctl --profile acme account set-password-policy --set blocklist=false >/dev/null
echo "password123" | $iamctl --profile acme user set-password bob --permanent >/dev/null \
  || fail "set a listed password with the blocklist off"
$iamctl --profile acme account set-password-policy --set blocklist=true >/dev/null
echo "password123" | $iamctl --profile bob login --account acme --username bob >"$dir/out" \
  || fail "login with an at-risk password: $(cat "$dir/out")"
grep -q "warning: your password is on a list of breached or common passwords" "$dir/out" \
  || fail "no at-risk warning: $(cat "$dir/out")"
$iamctl --profile acme user get bob | grep -q "at risk" || fail "bob not flagged for admins"
$iamctl --profile acme account set-password-policy --set at_risk_action=require_change >/dev/null
printf 'password123\nsilver-lantern-cove-8\nsilver-lantern-cove-8\n' \
  | $iamctl --profile bob login --account acme --username bob >"$dir/out" 2>"$dir/err" \
  || fail "forced change of an at-risk password: $(cat "$dir/err")"
grep -q "breached or common passwords and must be changed" "$dir/err" || fail "$(cat "$dir/err")"
if $iamctl --profile acme user get bob | grep -q "at risk"; then fail "flag not cleared"; fi

# Operators put sources on the login blocklist, for a while or until cleared.
$iamctl $root account block ip 203.0.113.99 --for 2h --reason "abuse report" \
  | grep -q "ip 203.0.113.99 blocked until 20" || fail "block an address"
$iamctl $root account block device lost-laptop | grep -q "blocked until cleared" \
  || fail "block a device"
$iamctl $root account login-blocks --sources >"$dir/out"
grep -q "203.0.113.99" "$dir/out" && grep -q "lost-laptop" "$dir/out" || fail "blocks not listed"
if $iamctl $root account block ip not-an-ip 2>"$dir/err"; then fail "a malformed address blocked"; fi
grep -q "INVALID_ARGUMENT: subject" "$dir/err" || fail "bad address: $(cat "$dir/err")"
if $iamctl $root account block ip 203.0.113.98 --for soon 2>/dev/null; then fail "--for soon"; fi
if $iamctl --profile acme account block ip 203.0.113.97 2>"$dir/err"; then fail "a tenant admin blocked"; fi
grep -q PERMISSION_DENIED "$dir/err" || fail "tenant block: $(cat "$dir/err")"
$iamctl $root account clear-block device lost-laptop | grep -q "block cleared" || fail "clear"

kill -TERM "$pid"; wait "$pid"; pid=
for secret in first-temporary-pw harbour-lantern-41 "$(grep -m1 refresh_token "$dir/iamctl.conf" | sed 's/.*= //')"; do
  if grep -qF "$secret" "$dir/stderr" "$dir/stdout"; then fail "a secret appears in the logs"; fi
done
echo "1 passed, 0 failed"
