#!/usr/bin/env bash
# deploy/iamd.service: systemd accepts every line of it (an unknown or
# misspelt directive is only a warning to systemd, so any warning fails
# here), it keeps the hardening the README promises, and systemd's own
# security review rates its exposure low.
#   systemd_unit_test.sh <unit file> <iamd binary>
set -euo pipefail
unit=$1
iamd=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The unit as installed, but starting the binary built here.
sed "s|/usr/local/bin/iamd|$iamd|" "$unit" > "$work/iamd.service"

if ! out=$(systemd-analyze verify "$work/iamd.service" 2>&1) || [ -n "$out" ]; then
  echo "FAIL: systemd-analyze verify: $out"
  exit 1
fi

for directive in DynamicUser=yes NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
    PrivateTmp=yes PrivateDevices=yes 'CapabilityBoundingSet=$' 'AmbientCapabilities=$' \
    ProtectKernelTunables=yes ProtectKernelModules=yes ProtectControlGroups=yes \
    RestrictNamespaces=yes MemoryDenyWriteExecute=yes SystemCallFilter=@system-service \
    'LoadCredential=master.key:' 'Environment=IAM_MASTER_KEY_FILE=%d/master.key'; do
  if ! grep -Eq "^$directive" "$work/iamd.service"; then
    echo "FAIL: the unit lost $directive"
    exit 1
  fi
done

# "Overall exposure level for iamd.service: 1.4 OK"
exposure=$(systemd-analyze security --offline=true "$work/iamd.service" 2>/dev/null |
  sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ -z "$exposure" ] || ! awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
  echo "FAIL: exposure level '${exposure}' (want 2.0 or less)"
  exit 1
fi

# The check itself can fail: a misspelt directive is caught.
sed 's/^ProtectClock=yes/ProtectClok=yes/' "$work/iamd.service" > "$work/bad.service"
if [ -z "$(systemd-analyze verify "$work/bad.service" 2>&1)" ]; then
  echo "FAIL: a misspelt directive went unnoticed"
  exit 1
fi
echo "ok: unit verified, exposure $exposure"
