#!/usr/bin/env bash
# Starts a throwaway MariaDB server for the test suite: temporary data
# directory, loopback port, a database and user for the tests.
#   source scripts/mariadb.sh && mariadb_start   # exports IAM_TEST_MYSQL_URL
#   mariadb_stop
set -euo pipefail

mariadb_start() {
  MARIADB_DIR=$(mktemp -d /tmp/iam-mariadb.XXXXXX)
  MARIADB_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local user; user=$(id -un)
  mariadb-install-db --no-defaults --user="$user" --datadir="$MARIADB_DIR/data" \
    --auth-root-authentication-method=socket >"$MARIADB_DIR/install.log" 2>&1
  mariadbd --no-defaults --user="$user" --datadir="$MARIADB_DIR/data" \
    --socket="$MARIADB_DIR/mysqld.sock" --port="$MARIADB_PORT" --bind-address=127.0.0.1 \
    --pid-file="$MARIADB_DIR/mysqld.pid" --skip-log-bin --innodb-buffer-pool-size=128M \
    --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    >"$MARIADB_DIR/server.log" 2>&1 &
  MARIADB_PID=$!
  for _ in $(seq 1 100); do
    if mariadb --no-defaults --socket="$MARIADB_DIR/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
      break
    fi
    sleep 0.2
  done
  local pw; pw=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  mariadb --no-defaults --socket="$MARIADB_DIR/mysqld.sock" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS iam_test;
CREATE USER 'iam'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'iam'@'127.0.0.1';
SQL
  export IAM_TEST_MYSQL_URL="mysql://iam:$pw@127.0.0.1:$MARIADB_PORT/iam_test"
  export MARIADB_DIR MARIADB_PID MARIADB_PORT
  echo "mariadb: listening on 127.0.0.1:$MARIADB_PORT (data in $MARIADB_DIR)"
}

mariadb_stop() {
  if [ -n "${MARIADB_PID:-}" ]; then
    kill "$MARIADB_PID" 2>/dev/null || true
    wait "$MARIADB_PID" 2>/dev/null || true
  fi
  if [ -n "${MARIADB_DIR:-}" ]; then rm -rf "$MARIADB_DIR"; fi
}
