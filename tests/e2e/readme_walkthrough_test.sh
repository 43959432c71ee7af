#!/usr/bin/env bash
# The README's walk-through, run as printed: every ```sh block that follows
# a `<!-- walk-through -->` line, in order, in one shell, against a fresh
# iamd whose first admin key is in iam-data/admin.key as scripts/run.sh
# leaves it, with build/iam/cli/iamctl and examples/ where the README says.
# Two things differ from a person at a terminal: the ports (50051 and 8080
# become this test's), and the prompts, which get their answers from the
# table below, chosen by the command's text. TOTP codes come from oathtool
# with the key `mfa enroll` printed. A command that fails fails the test.
#   readme_walkthrough_test.sh IAMD IAMCTL README EXAMPLES_DIR
set -euo pipefail
iamd=$1
iamctl=$2
readme=$3
examples=$4
fail() { echo "FAIL: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/readme-walkthrough.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
mkdir -p build/iam/cli iam-data
ln -s "$iamctl" build/iam/cli/iamctl
cp -r "$examples" examples
export HOME=$work IAMCTL_CONFIG=$work/iamctl.conf
unset IAMCTL_ADDRESS IAMCTL_ACCESS_KEY IAMCTL_PROFILE

"$iamd" --listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --data-dir iam-data \
  --bootstrap-key-file iam-data/admin.key --ready-file ready --log-format text \
  --argon2-memory-kib 1024 --argon2-iterations 1 >iamd.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s ready ] && break; sleep 0.1; done
[ -s ready ] || fail "iamd did not start: $(cat iamd.log)"
grpc=$(head -1 ready)
http=$(sed -n 2p ready)
http=${http#http://}

# The commands, one per line (continuations joined), NUL-separated.
python3 - "$readme" >commands <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"<!-- walk-through -->\n```sh\n(.*?)```", text, re.S)
if not blocks:
    sys.exit("no walk-through block")
out = []
for block in blocks:
    command = ""
    for line in block.splitlines():
        command += line
        if command.endswith("\\"):
            command = command[:-1] + " "
            continue
        if command.strip() and not command.strip().startswith("#"):
            out.append(command)
        command = ""
sys.stdout.write("\0".join(out) + "\0")
PY

pw1='Harbour-lantern-41'
pw2='Harbour-lantern-42'
pw3='Harbour-lantern-43'
totp_key=
totp() { oathtool --totp -b "$@" "$totp_key"; }
# What a person types at each prompt.
answers() {
  case $1 in
    *"user set-password bob"*) printf '%s\n' "$pw1" ;;
    *"login --account acme --username bob --client-type web"*)
      printf '%s\n%s\n%s\n' "$pw1" "$pw2" "$pw2" ;;
    *"--profile bob password change"*) printf '%s\n%s\n' "$pw2" "$pw3" ;;
    *"--profile bob mfa confirm"*) totp ;;
    # The next 30-second step: the code confirm used is spent.
    *"login --account acme --username bob --remember-device"*)
      printf '%s\n%s\n' "$pw3" "$(totp -N "now + 30 seconds")" ;;
    *) : ;;
  esac
}

n=0
while IFS= read -r -d '' command; do
  n=$((n + 1))
  run=${command//127.0.0.1:50051/$grpc}
  run=${run//127.0.0.1:8080/$http}
  echo "\$ $command" >>transcript
  if ! eval "$run" <<<"$(answers "$command")" >out 2>&1; then
    cat out >>transcript
    fail "walk-through command $n failed: $command
$(cat out)"
  fi
  cat out >>transcript
  case $command in
    *"mfa enroll"*)
      totp_key=$(sed -n 's/^  \([A-Z2-7]\{16,\}\) (.*/\1/p' out)
      [ -n "$totp_key" ] || fail "mfa enroll showed no key: $(cat out)" ;;
  esac
done <commands
[ "$n" -ge 60 ] || fail "only $n walk-through commands: the blocks were not found"

# What the walk-through must have done, beyond every command succeeding.
grep -q "logged in as bob" transcript || fail "bob never logged in"
grep -q "password changed" transcript || fail "no password change"
grep -q "ALLOW" transcript || fail "simulate did not allow"
grep -q '"access_token"' transcript || fail "the client_credentials grant gave no token"
[ -s who-can-do-what.csv ] || fail "no permissions export"
[ -s audit.jsonl ] || fail "no audit export"
echo "README walk-through: $n commands ran"
