#!/usr/bin/env bash
# A throwaway OpenLDAP directory on loopback ports with its data in DIR, for
# the tests: a certificate authority of its own (DIR/ca.pem), StartTLS on
# ldap:// and TLS on ldaps://, and a test directory under dc=example,dc=com:
#   uid=alice, uid=bob    staff, passwords Alice-Pass-1 / Bob-Pass-1
#   uid=carol             staff, disabled (description: disabled)
#   uid=dave              a contractor (outside a staff-only filter)
#   cn=engineering        groupOfNames: alice;  cn=everyone: alice, bob, carol
#   cn=iam                the service's own bind, password Iam-Bind-Pass-1
# Leaves DIR/ldap_url, DIR/ldaps_url and DIR/ca.pem.
#   scripts/slapd.sh start DIR   # create, load and start
#   scripts/slapd.sh stop DIR    # stop (data kept)
#   scripts/slapd.sh restart DIR # stop and start again, same ports
set -euo pipefail
cmd=${1:?start|stop|restart} dir=${2:?data directory}
PATH=$PATH:/usr/sbin:/usr/bin

serve() {
  local ldap_port ldaps_port
  read -r ldap_port ldaps_port <"$dir/ports"
  slapd -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$ldap_port/ ldaps://127.0.0.1:$ldaps_port/" \
    -n iam-test-slapd >>"$dir/server.log" 2>&1 </dev/null
  for _ in $(seq 1 100); do
    if ldapsearch -x -H "ldap://127.0.0.1:$ldap_port" -b "" -s base >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  echo "slapd: the server did not start; see $dir/server.log" >&2
  return 1
}

stop() {
  if [ -f "$dir/slapd.pid" ]; then
    local pid; pid=$(cat "$dir/slapd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/slapd.pid"
  fi
}

start() {
  mkdir -p "$dir/data"
  python3 "$(dirname "$0")/free-ports.py" 2 | paste -sd' ' >"$dir/ports"
  # A certificate authority and the server's certificate for 127.0.0.1.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=iam test directory CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 2 -extfile "$dir/san.ext" -out "$dir/server.pem" 2>/dev/null
  local root_pw; root_pw=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  printf %s "$root_pw" >"$dir/root_password"  # ldapmodify -y reads it whole
  cat >"$dir/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
TLSCACertificateFile $dir/ca.pem
TLSCertificateFile $dir/server.pem
TLSCertificateKeyFile $dir/server.key
# Passwords are compared by binding; nobody reads them.
access to attrs=userPassword
  by anonymous auth
  by * none
access to *
  by dn.exact="cn=iam,dc=example,dc=com" read
  by self read
  by * none
database mdb
maxsize 67108864
suffix "dc=example,dc=com"
rootdn "cn=admin,dc=example,dc=com"
rootpw $root_pw
directory $dir/data
CONF
  hash() { slappasswd -h '{SSHA}' -s "$1"; }
  cat >"$dir/directory.ldif" <<LDIF
dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups

dn: cn=iam,dc=example,dc=com
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: iam
userPassword: $(hash Iam-Bind-Pass-1)

dn: uid=alice,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: alice
cn: Alice Liddell
sn: Liddell
mail: alice@example.com
employeeType: staff
userPassword: $(hash Alice-Pass-1)

dn: uid=bob,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: bob
cn: Bob Builder
sn: Builder
mail: bob@example.com
telephoneNumber: +1 555 0100
employeeType: staff
userPassword: $(hash Bob-Pass-1)

dn: uid=carol,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: carol
cn: Carol Shaw
sn: Shaw
employeeType: staff
description: disabled
userPassword: $(hash Carol-Pass-1)

dn: uid=dave,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: dave
cn: Dave Contractor
sn: Contractor
employeeType: contractor
userPassword: $(hash Dave-Pass-1)

dn: cn=engineering,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: engineering
member: uid=alice,ou=people,dc=example,dc=com

dn: cn=everyone,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: everyone
member: uid=alice,ou=people,dc=example,dc=com
member: uid=bob,ou=people,dc=example,dc=com
member: uid=carol,ou=people,dc=example,dc=com
LDIF
  slapadd -f "$dir/slapd.conf" -l "$dir/directory.ldif" >"$dir/load.log" 2>&1
  serve
  local ldap_port ldaps_port
  read -r ldap_port ldaps_port <"$dir/ports"
  echo "ldap://127.0.0.1:$ldap_port" >"$dir/ldap_url"
  echo "ldaps://127.0.0.1:$ldaps_port" >"$dir/ldaps_url"
  echo "slapd: listening on ldap://127.0.0.1:$ldap_port and ldaps://127.0.0.1:$ldaps_port (data in $dir)"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  restart) stop; serve ;;
  *) echo "usage: $0 start|stop|restart DIR" >&2; exit 2 ;;
esac
