#!/usr/bin/env bash
# A throwaway MariaDB server on a loopback port with its data in DIR, for the
# tests. Leaves DIR/url (mysql://iam:<random>@127.0.0.1:<port>/iam_test).
#   scripts/mariadb.sh start DIR     # initialise and start
#   scripts/mariadb.sh stop DIR      # stop (data kept)
#   scripts/mariadb.sh restart DIR   # stop and start again, same port and data
#   scripts/mariadb.sh kill DIR      # kill -9 the server (a crash; data kept)
set -euo pipefail
cmd=${1:?start|stop|restart|kill} dir=${2:?data directory}
PATH=$PATH:/usr/sbin:/usr/bin
user=$(id -un)

serve() {
  local port; port=$(cat "$dir/port")
  mariadbd --no-defaults --user="$user" --datadir="$dir/data" --socket="$dir/mysqld.sock" \
    --port="$port" --bind-address=127.0.0.1 --pid-file="$dir/mysqld.pid" --skip-log-bin \
    --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    >>"$dir/server.log" 2>&1 </dev/null &
  for _ in $(seq 1 150); do
    if mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  echo "mariadb: the server did not start; see $dir/server.log" >&2
  return 1
}

stop() {
  if [ -f "$dir/mysqld.pid" ]; then
    local pid; pid=$(cat "$dir/mysqld.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/mysqld.pid"
  fi
}

case $cmd in
  start)
    mkdir -p "$dir"
    python3 "$(dirname "$0")/free-ports.py" 1 >"$dir/port"
    mariadb-install-db --no-defaults --user="$user" --datadir="$dir/data" \
      --auth-root-authentication-method=socket >"$dir/install.log" 2>&1
    serve
    pw=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot <<SQL
CREATE DATABASE iam_test;
CREATE USER 'iam'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'iam'@'127.0.0.1' WITH GRANT OPTION;
SQL
    echo "mysql://iam:$pw@127.0.0.1:$(cat "$dir/port")/iam_test" >"$dir/url"
    echo "mariadb: listening on 127.0.0.1:$(cat "$dir/port") (data in $dir)"
    ;;
  stop) stop ;;
  restart) stop; serve ;;
  kill)
    if [ -f "$dir/mysqld.pid" ]; then
      pid=$(cat "$dir/mysqld.pid")
      kill -9 "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      rm -f "$dir/mysqld.pid"
    fi
    ;;
  *) echo "usage: $0 start|stop|restart|kill DIR" >&2; exit 2 ;;
esac
