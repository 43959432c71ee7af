#!/usr/bin/env bash
# iamctl's errors say what went wrong and what to do, each checked for its
# message against a real iamd (SQLite, HTTP listener on): no credential, a
# mistyped profile, a logged-out profile, a refused key; an address that is
# a URL, the HTTP port, or nothing; JSON with its line and column; an
# object named in "not found"; an option outside its choices; and a new
# password refused during login, asked for again.
set -euo pipefail
iamctl=$2
. "$(dirname "$0")/iamd_harness.sh"
start_iamd_light "$1" iamctl-errors --http-listen 127.0.0.1:0
new_acme
out="$dir/out"

# expect_error WORDS... -- COMMAND...: the command fails and its error
# output holds every one of the words.
expect_error() {
  local words=()
  while [ "$1" != "--" ]; do words+=("$1"); shift; done
  shift
  if "$@" >"$out.stdout" 2>"$out"; then fail "succeeded: $*"; fi
  for w in "${words[@]}"; do
    grep -qF -- "$w" "$out" || fail "'$*' did not say '$w': $(cat "$out")"
  done
}

# Credentials.
expect_error "no credential was sent" "IAMCTL_ACCESS_KEY is not set" \
  "profile \"default\" is not in $IAMCTL_CONFIG" "(profiles there: acme)" "iamctl login" -- \
  $iamctl user list
expect_error "profile \"acmee\" is not in" "(profiles there: acme)" -- \
  $iamctl --profile acmee user list
ctl user create bob >/dev/null
ctl user set-password bob --permanent <<<"blue-harbour-lantern-7" >/dev/null
ctl user create carol >/dev/null
ctl user set-password carol <<<"first-password-given-9" >/dev/null
printf 'blue-harbour-lantern-7\n' | $iamctl --profile bobs login --account acme --username bob \
  >/dev/null
$iamctl --profile bobs logout >/dev/null
expect_error "profile \"bobs\" has no access key and no login session (logged out?)" -- \
  $iamctl --profile bobs whoami
echo "AKIAWRONGKEY.0000000000000000000000000000" >"$dir/bad.key"
expect_error "UNAUTHENTICATED" "the credential came from --access-key-file $dir/bad.key" \
  "iamctl login" -- $iamctl --access-key-file "$dir/bad.key" user list

# Addresses.
expect_error "address \"http://$addr\" (from --address)" "host:port of iamd's gRPC listener" -- \
  ctl --address "http://$addr" user list
expect_error "answers HTTP/1.x, not gRPC" "default 127.0.0.1:50051" -- \
  ctl --address "${http#http://}" user list
expect_error "nothing answered gRPC at 127.0.0.1:1 (from --address)" "is iamd running there?" -- \
  ctl --address 127.0.0.1:1 --timeout 3 user list
IAMCTL_ADDRESS=localhost expect_error "address \"localhost\" (from IAMCTL_ADDRESS)" -- \
  $iamctl --profile acme user list

# JSON: where it stops being JSON.
printf '{\n  "Version": "2012-10-17",\n  "Statement": [}\n}\n' >"$dir/broken.json"
expect_error "policy: not valid JSON (line 3, column 17:" -- \
  ctl policy create Broken --file "$dir/broken.json"
expect_error "--file $dir/broken.json: not valid JSON (line 3, column 17:" -- \
  ctl account set-password-policy --file "$dir/broken.json"

# What was not found is named.
expect_error "user \"nobody\" not found" -- ctl user get nobody
expect_error "group \"ghosts\" not found" -- ctl group get ghosts
expect_error "role \"nothing\" not found" -- ctl role get nothing
# A name that cannot be one says which characters can.
expect_error "username: only letters, digits and +=,.@_- are allowed" -- ctl user get $'a"b\e[31m'

# A mistyped --set field names the fields there are.
expect_error '--set: the lockout policy has no field "max_failure"; its fields: enabled, max_failures' \
  -- ctl account set-lockout-policy --set max_failure=3

# Choices are listed.
expect_error "--result" "success" "failure" "denied" "pending" -- ctl audit query --result bogus

# A new password the policy refuses is asked for again; the second one
# is taken and the login goes through.
printf 'first-password-given-9\nshort\nshort\nanother-good-password-5\nanother-good-password-5\n' |
  $iamctl --profile carols login --account acme --username carol >"$out" 2>&1 ||
  fail "login with a refused new password first: $(cat "$out")"
grep -q "refused: " "$out" || fail "the refusal was not shown: $(cat "$out")"
grep -q "logged in as carol" "$out" || fail "no login after the second password: $(cat "$out")"
echo ok
