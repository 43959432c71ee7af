# Sourced by the shell end-to-end tests. Gives fail(), and start_iamd, which
# starts an iamd on an SQLite store in a fresh temporary directory, waits
# until it listens, and stops it and removes the directory on exit (KEEP=1
# keeps the directory to look at).
#
#   start_iamd IAMD NAME [iamd flags...]
#
# Sets dir, pid, addr (gRPC), http (HTTP, when the flags open it) and root
# (iamctl's flags for the bootstrap key), and points iamctl at the server
# through IAMCTL_ADDRESS and a private IAMCTL_CONFIG.

fail() { echo "FAIL: $*" >&2; exit 1; }

iamd_stop() {
  if [ -n "${pid:-}" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "${dir:-}" ] && [ -z "${KEEP:-}" ]; then rm -rf "$dir"; fi
}

start_iamd() {
  local iamd=$1 name=$2
  shift 2
  dir=$(mktemp -d "/tmp/$name.XXXXXX")
  pid=
  trap iamd_stop EXIT
  "$iamd" --listen 127.0.0.1:0 --data-dir "$dir/data" --ready-file "$dir/ready" \
    --bootstrap-key-file "$dir/admin.key" "$@" >"$dir/stdout" 2>"$dir/stderr" &
  pid=$!
  for _ in $(seq 1 100); do [ -s "$dir/ready" ] && break; sleep 0.1; done
  [ -s "$dir/ready" ] || fail "iamd did not start: $(cat "$dir/stderr")"
  addr=$(head -1 "$dir/ready")
  http=$(sed -n 2p "$dir/ready")
  export IAMCTL_ADDRESS=$addr IAMCTL_CONFIG="$dir/iamctl.conf"
  unset IAMCTL_ACCESS_KEY IAMCTL_PROFILE
  root="--access-key-file $dir/admin.key"
}

# start_iamd with cheap password hashing: the iamctl tests set many
# passwords, and Argon2's cost is not what they test.
start_iamd_light() {
  local iamd=$1 name=$2
  shift 2
  start_iamd "$iamd" "$name" --argon2-memory-kib 1024 --argon2-iterations 1 "$@"
}

# The account acme, its first admin alice saved as the iamctl profile acme,
# and ctl: iamctl as alice.
new_acme() {
  $iamctl $root account create acme --admin-username alice --save-profile acme >/dev/null
}
ctl() { $iamctl --profile acme "$@"; }

