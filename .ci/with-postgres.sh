#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL 15 cluster:
#   .ci/with-postgres.sh cargo test --locked
# The cluster lives in a temp dir (initdb as an unprivileged user, a free
# TCP port on 127.0.0.1, its Unix socket in the same dir, fsync off: nothing
# in it outlives the run) and is stopped and removed on exit, whatever the
# command's outcome. The command sees DEFUSE_TEST_PG, the URL of a
# superuser role the tests use to make a fresh database each.
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
if [[ ! -x $bin/initdb ]]; then
    echo "PostgreSQL 15 is missing: installing the Debian package" >&2
    apt-get install -y postgresql >&2
fi

dir=$(mktemp -d /tmp/defuse-pg.XXXXXX)
chmod 755 "$dir"
# initdb refuses to run as root: the cluster belongs to `postgres` then.
as_owner=()
if [[ $(id -u) == 0 ]]; then
    chown postgres: "$dir"
    as_owner=(runuser -u postgres --)
fi

stop() {
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

# A throw-away CA and a server certificate it signs, for host `localhost`.
# The key must belong to the server's user and be private to it.
tls=$dir/tls
mkdir -p "$tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=defuse-test-ca -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\n' >"$tls/san.ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
    -days 2 -extfile "$tls/san.ext" -out "$tls/server.pem" 2>/dev/null
chmod 600 "$tls/server.key"
chmod 644 "$tls/ca.pem"
if [[ $(id -u) == 0 ]]; then
    chown -R postgres: "$tls"
fi

# The test role connects without a password; every other role (the ones
# the tests create) must give one, so PGPASSWORD and .pgpass are tested.
# `defuse_tls` is let in over TLS only, so a test that gets in as it
# knows the connection was encrypted.
cat >"$dir/data/pg_hba.conf" <<'EOF'
local all all                    trust
hostnossl all defuse_tls 127.0.0.1/32 reject
hostssl   all defuse_tls 127.0.0.1/32 trust
host  all defuse_test 127.0.0.1/32 trust
host  all all         127.0.0.1/32 scram-sha-256
EOF

# A free port: ask the kernel for one, retry if another run takes it first.
started=
for _ in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + RANDOM % 40000)))
    if "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 \
           -c ssl=on -c ssl_cert_file=$tls/server.pem -c ssl_key_file=$tls/server.key" \
        start >/dev/null; then
        started=1
        break
    fi
done
if [[ -z $started ]]; then
    cat "$dir/server.log" >&2 || true
    echo "could not start PostgreSQL" >&2
    exit 1
fi

"${as_owner[@]}" "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE defuse_test LOGIN SUPERUSER" \
    -c "CREATE ROLE defuse_tls LOGIN SUPERUSER" \
    -c "CREATE DATABASE defuse_test OWNER defuse_test"

# connect_timeout=10: a login can take over defuse's 2 s default on a CI
# machine whose 2 cores are busy compiling (scram hashing, a forked backend).
export DEFUSE_TEST_PG="postgres://defuse_test@127.0.0.1:$port/defuse_test?sslmode=disable&connect_timeout=10"
export DEFUSE_TEST_PG_CA=$tls/ca.pem
echo "PostgreSQL 15 at $DEFUSE_TEST_PG (TLS CA $DEFUSE_TEST_PG_CA)" >&2
"$@"
