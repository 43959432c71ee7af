#!/usr/bin/env bash
# Installs every Debian package the build, the service and the test suite need.
# Idempotent: packages already present are left alone. --tests adds what
# only the test suite needs.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ccache lld jq curl
  clang-14 libclang-rt-14-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev
  libargon2-dev liboath-dev oathtool
  libmysqlcppconn-dev mariadb-server mariadb-client galera-4 rsync
  libsqlite3-dev sqlite3
  libssl-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libyaml-cpp-dev
  libboost-dev libcpp-httplib-dev libqrencode-dev libcurl4-openssl-dev
  libkainjow-mustache-dev libldap-dev
)
# Only the test suite needs a browser (and CJK fonts for its screenshots),
# a directory server for the LDAP logins, and systemd-analyze for the unit.
if [ "${1:-}" = "--tests" ]; then
  packages+=(chromium fonts-wqy-microhei slapd ldap-utils systemd)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js drives the interop tests; a machine that has none gets Debian's.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
