#!/usr/bin/env bash
# A throwaway 3-node MariaDB Galera cluster on loopback ports, for the tests.
# Each node has its data under DIR/nodeN and runs as the `mysql` user; the
# joiners take their state from the first node by rsync SST. Leaves
# DIR/url (mysql://iam:<random>@127.0.0.1:<p1>,127.0.0.1:<p2>,127.0.0.1:<p3>/iam_test)
# and DIR/nodeN/url (the same, naming node N alone).
#   scripts/galera.sh start DIR        # initialise and start all three nodes
#   scripts/galera.sh stop DIR         # stop every node (data kept)
#   scripts/galera.sh kill DIR N       # kill -9 node N
#   scripts/galera.sh start-node DIR N # start node N again; it rejoins by IST/SST
#   scripts/galera.sh wait DIR N       # until node N is synced
set -euo pipefail
cmd=${1:?start|stop|kill|start-node|wait} dir=${2:?data directory}
PATH=$PATH:/usr/sbin:/usr/bin
nodes=(1 2 3)
provider=/usr/lib/galera/libgalera_smm.so

port_of() { sed -n "${2}p" "$dir/node$1/ports"; }  # 1 sql, 2 group, 3 ist, 4 sst

client() { mariadb --no-defaults --socket="$dir/node$1/mysqld.sock" -uroot "${@:2}"; }

serve() {
  local n=$1 bootstrap=${2:-} peers="" p
  for p in "${nodes[@]}"; do peers+="${peers:+,}127.0.0.1:$(port_of "$p" 2)"; done
  local nd="$dir/node$n"
  # wsrep_sst_rsync runs rsync as a daemon and finds the node's files through
  # its options: everything goes on the command line, nothing in /etc.
  mariadbd --no-defaults --user=mysql --datadir="$nd/data" --socket="$nd/mysqld.sock" \
    --port="$(port_of "$n" 1)" --bind-address=127.0.0.1 --pid-file="$nd/mysqld.pid" \
    --log-error="$nd/server.log" --tmpdir="$nd/tmp" \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=32M --innodb-flush-log-at-trx-commit=2 \
    --max-connections=300 --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
    --wsrep-on=ON --wsrep-provider="$provider" --wsrep-cluster-name=iam_test \
    --wsrep-cluster-address="gcomm://$peers" --wsrep-node-name="node$n" \
    --wsrep-node-address="127.0.0.1:$(port_of "$n" 2)" \
    --wsrep-node-incoming-address="127.0.0.1:$(port_of "$n" 1)" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$(port_of "$n" 4)" \
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$(port_of "$n" 2);ist.recv_addr=127.0.0.1:$(port_of "$n" 3);gcache.size=64M;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;pc.wait_prim_timeout=PT10S" \
    $bootstrap </dev/null >>"$nd/console.log" 2>&1 &
}

wait_synced() {
  local n=$1
  for _ in $(seq 1 300); do
    if [ "$(client "$n" -N -e "SHOW STATUS LIKE 'wsrep_local_state'" 2>/dev/null | cut -f2)" = 4 ]; then
      return 0
    fi
    if [ -f "$dir/node$n/mysqld.pid" ] && ! kill -0 "$(cat "$dir/node$n/mysqld.pid")" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  echo "galera: node $n did not reach Synced; see $dir/node$n/server.log" >&2
  tail -20 "$dir/node$n/server.log" >&2 || true
  return 1
}

stop_node() {
  local n=$1 pidf="$dir/node$1/mysqld.pid"
  if [ ! -f "$pidf" ]; then
    # A node that failed before writing its pid file may still be running.
    pkill -9 -f -- "--datadir=$dir/node$n/data " 2>/dev/null || true
    return 0
  fi
  local pid; pid=$(cat "$pidf")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidf"
}

# One attempt at forming the cluster in a clean DIR, on fresh ports.
form() {
  mkdir -p "$dir"
  chmod 755 "$dir"
  local all; all=$(python3 "$(dirname "$0")/free-ports.py" 12)
  for n in "${nodes[@]}"; do
    mkdir -p "$dir/node$n/tmp"
    sed -n "$(( (n - 1) * 4 + 1 )),$(( n * 4 ))p" <<<"$all" >"$dir/node$n/ports"
  done
  # Only the first node is initialised; the others receive its state.
  mariadb-install-db --no-defaults --user=mysql --datadir="$dir/node1/data" \
    --auth-root-authentication-method=socket >"$dir/node1/install.log" 2>&1
  for n in "${nodes[@]}"; do mkdir -p "$dir/node$n/data"; done
  chown -R mysql:mysql "$dir"
  serve 1 --wsrep-new-cluster
  wait_synced 1 || return 1
  pw=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  client 1 <<SQL
CREATE DATABASE iam_test;
CREATE USER 'iam'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'iam'@'127.0.0.1' WITH GRANT OPTION;
SQL
  for n in 2 3; do serve "$n"; wait_synced "$n" || return 1; done
}

case $cmd in
  start)
    # Group communication on a loaded machine can miss its window; a failed
    # formation is torn down and tried again from nothing, twice at most.
    for attempt in 1 2 3; do
      if form; then break; fi
      for n in 3 2 1; do stop_node "$n"; done
      [ "$attempt" = 3 ] && { echo "galera: the cluster did not form in 3 attempts" >&2; exit 1; }
      echo "galera: attempt $attempt failed; starting again on fresh ports" >&2
      rm -rf "${dir:?}"/node*
    done
    hosts=""
    for n in "${nodes[@]}"; do
      hosts+="${hosts:+,}127.0.0.1:$(port_of "$n" 1)"
      echo "mysql://iam:$pw@127.0.0.1:$(port_of "$n" 1)/iam_test" >"$dir/node$n/url"
    done
    echo "mysql://iam:$pw@$hosts/iam_test" >"$dir/url"
    echo "galera: 3 nodes synced on $hosts (data in $dir)"
    ;;
  stop)
    for n in 3 2 1; do stop_node "$n"; done
    ;;
  kill)
    n=${3:?node}
    kill -9 "$(cat "$dir/node$n/mysqld.pid")"
    rm -f "$dir/node$n/mysqld.pid"
    ;;
  start-node)
    n=${3:?node}
    serve "$n"
    wait_synced "$n"
    ;;
  wait) wait_synced "${3:?node}" ;;
  *) echo "usage: $0 start|stop|kill|start-node|wait DIR [N]" >&2; exit 2 ;;
esac
