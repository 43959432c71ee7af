#!/usr/bin/env bash
# MFA through iamctl against a real iamd on SQLite, with codes from the
# Debian oathtool: enrolment and confirmation, a login that prompts for the
# code and remembers the device, a recovery code after the device is
# revoked, admin status and reset, device binding with approval, and login
# IP allowlists. No code or secret reaches the logs.
set -euo pipefail
iamctl=$2
. "$(dirname "$0")/iamd_harness.sh"
command -v oathtool >/dev/null || fail "oathtool is not installed (scripts/install-deps.sh)"
start_iamd_light "$1" iamctl-mfa --http-listen off
pw=harbour-lantern-41
login() { # profile, then lines for the prompts after the password
  local profile=$1; shift
  { echo "$pw"; for l in "$@"; do echo "$l"; done; } |
    $iamctl --profile "$profile" login --account acme --username bob --remember-device
}

$iamctl $root account create acme --admin-username alice --save-profile acme >/dev/null
$iamctl --profile acme user create bob >/dev/null
echo "$pw" | $iamctl --profile acme user set-password bob --permanent >/dev/null
login bob >/dev/null || fail "first login"

# Enrolment: a QR code and the secret; confirmed with oathtool's code.
$iamctl --profile bob mfa enroll >"$dir/enroll" || fail "enroll"
grep -q "otpauth://totp/IAM:bob%40acme?secret=" "$dir/enroll" || fail "no URI: $(cat "$dir/enroll")"
grep -q "█" "$dir/enroll" || fail "no QR code drawn"
secret=$(grep -o 'secret=[A-Z2-7]*' "$dir/enroll" | head -1 | cut -d= -f2)
[ ${#secret} = 32 ] || fail "secret of 160 bits expected, got '$secret'"
$iamctl --profile bob mfa confirm "$(oathtool --totp -b "$secret")" >"$dir/confirm" \
  || fail "confirm"
mapfile -t recovery < <(grep -oE '^  [0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$' "$dir/confirm" | tr -d ' ')
[ ${#recovery[@]} = 10 ] || fail "10 recovery codes expected: $(cat "$dir/confirm")"
$iamctl --profile acme mfa status --user bob | grep -q "yes .*SHA1/6/30s" || fail "status"

# Required now: the login prompts for the code (the next step's: the
# confirming code's step is used up) and remembers this device.
$iamctl --profile acme account set-mfa-policy --set mode=required --set remember_device_days=7 >/dev/null
next=$(oathtool --totp -b "$secret" --now "$(date -u -d '+30 seconds' '+%Y-%m-%d %H:%M:%S UTC')")
login bob "$next" >"$dir/out" 2>"$dir/err" || fail "login with a code: $(cat "$dir/err")"
grep -q "^device_token" "$dir/iamctl.conf" || fail "device token not kept"
# The same code again: refused (then the recovery code is not given: fails).
if login bob2 "$next" >/dev/null 2>"$dir/err"; then fail "a code was accepted twice"; fi
# The remembered device needs only the password.
login bob >/dev/null 2>"$dir/err" || fail "remembered device: $(cat "$dir/err")"
device=$(grep -m1 '^device_id' "$dir/iamctl.conf" | sed 's/.*= //')
$iamctl --profile acme device list --user bob | grep -q "$device" || fail "device not listed"
$iamctl --profile acme device revoke "$device" --user bob >/dev/null
login bob "${recovery[0]}" >/dev/null 2>"$dir/err" || fail "recovery code: $(cat "$dir/err")"
$iamctl --profile acme mfa status --user bob | grep -q "yes .* 9 " || fail "9 codes left"
$iamctl --profile acme mfa reset --user bob >/dev/null
$iamctl --profile acme mfa status --user bob | grep -q "^no " || fail "reset"

# Device binding: a new device waits for an administrator.
$iamctl --profile acme account set-mfa-policy --set mode=optional --set device_binding=true >/dev/null
if login bob3 >/dev/null 2>"$dir/err"; then fail "unapproved device logged in"; fi
grep -q "approval" "$dir/err" || fail "binding message: $(cat "$dir/err")"
device3=$(sed -n '/^\[bob3\]/,/^\[/p' "$dir/iamctl.conf" | grep -m1 '^device_id' | sed 's/.*= //')
$iamctl --profile acme device list --user bob | grep -q "$device3 *pending" || fail "not pending"
$iamctl --profile acme device approve "$device3" --user bob >/dev/null
login bob3 >/dev/null || fail "approved device"
$iamctl --profile acme account set-mfa-policy --set device_binding=false >/dev/null

# Login IP allowlists: the account's, then the user's.
$iamctl --profile acme account set-ip-allowlist --cidr 10.0.0.0/8 --cidr 2001:db8::/32 >/dev/null
if login bob >/dev/null 2>&1; then fail "login from outside the allowlist"; fi
$iamctl --profile acme account set-ip-allowlist >/dev/null
login bob >/dev/null || fail "allowlist cleared"
$iamctl --profile acme account set-ip-allowlist --user bob --cidr 192.0.2.0/24 | grep -q "192.0.2.0/24" \
  || fail "user allowlist"
if login bob >/dev/null 2>&1; then fail "login from outside the user's allowlist"; fi
if $iamctl --profile acme account set-ip-allowlist --user bob --cidr 10.1.2.3/8 2>"$dir/err"; then
  fail "a bad CIDR was accepted"
fi
grep -q "INVALID_ARGUMENT: cidrs\[0\]" "$dir/err" || fail "CIDR error: $(cat "$dir/err")"

kill -TERM "$pid"; wait "$pid"; pid=
for s in "$secret" "$next" "${recovery[@]}" "$pw"; do
  if grep -qF "$s" "$dir/stderr" "$dir/stdout"; then fail "a secret appears in the logs"; fi
done
echo "1 passed, 0 failed"
