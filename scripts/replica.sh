#!/usr/bin/env bash
# A local streaming replica of the local PostgreSQL 15 cluster, for DATABASE_READ_URL and its tests:
#   a second Debian cluster (15/replica, port 5433) made with pg_basebackup -R from the primary on 5432,
#   replaying with an injected delay (recovery_min_apply_delay, 1s by default) so that tests see real lag.
# Idempotent: when the replica already answers and is in recovery, it only checks (well under a second).
#   bash scripts/replica.sh            create/start it
#   bash scripts/replica.sh stop|start  stop or start it (the tests do, to prove the fallback)
#   bash scripts/replica.sh drop        remove the replica cluster
# Needs: Debian's postgresql-common tools, run as root or postgres. The primary needs wal_level=replica
# and max_wal_senders > 0 (Debian's defaults); it is never restarted. A missing pg_hba line for local
# replication connections is added to the primary and reloaded (SIGHUP, no restart).
set -euo pipefail

PRIMARY_HOST="${REPLICA_PRIMARY_HOST:-127.0.0.1}"
PRIMARY_PORT="${REPLICA_PRIMARY_PORT:-5432}"
PORT="${REPLICA_PORT:-5433}"
VERSION="${REPLICA_PG_VERSION:-15}"
NAME="${REPLICA_CLUSTER:-replica}"
DELAY="${REPLICA_APPLY_DELAY:-1s}"
PGUSER_NAME="${REPLICA_USER:-postgres}"

die() {
  echo "replica: $*" >&2
  exit 1
}

as_postgres() {
  if [[ "$(id -un)" == postgres ]]; then
    "$@"
  else
    runuser -u postgres -- "$@"
  fi
}

primary() { psql -X -w -q -tA -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PGUSER_NAME" -d postgres -c "$1"; }
replica() { psql -X -w -q -tA -h 127.0.0.1 -p "$PORT" -U "$PGUSER_NAME" -d postgres -c "$1" 2>/dev/null; }

exists() { pg_lsclusters --no-header 2>/dev/null | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n { f = 1 } END { exit !f }'; }

wait_ready() {
  local i
  for ((i = 0; i < 150; i++)); do
    [[ "$(replica 'SELECT pg_is_in_recovery()' || true)" == "t" ]] && return 0
    sleep 0.2
  done
  tail -n 20 "/var/log/postgresql/postgresql-$VERSION-$NAME.log" >&2 || true
  die "the replica on $PORT did not come up in recovery within 30 s"
}

case "${1:-ensure}" in
stop)
  exists && pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" stop -m fast >/dev/null 2>&1 || true
  echo "replica: stopped ($VERSION/$NAME)"
  exit 0
  ;;
start)
  exists || die "no cluster $VERSION/$NAME; run scripts/replica.sh first"
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start >/dev/null 2>&1 || true
  wait_ready
  echo "replica: started on $PORT"
  exit 0
  ;;
drop)
  exists && pg_dropcluster --stop "$VERSION" "$NAME"
  echo "replica: dropped $VERSION/$NAME"
  exit 0
  ;;
ensure) ;;
*) die "usage: scripts/replica.sh [stop|start|drop]" ;;
esac

command -v pg_createcluster >/dev/null || die "needs Debian's postgresql-common (pg_createcluster); apt-get install postgresql"

# In recovery and streaming from the primary (a replica stopped for long may have lost the WAL it needs).
streaming() {
  local i
  for ((i = 0; i < 50; i++)); do
    [[ "$(replica "SELECT status FROM pg_stat_wal_receiver" || true)" == streaming ]] && return 0
    sleep 0.2
  done
  return 1
}

if [[ "$(replica 'SELECT pg_is_in_recovery()' || true)" == "t" ]] && streaming; then
  # A test that paused replay and did not get to resume it (crashed) leaves it paused.
  [[ "$(replica 'SELECT pg_is_wal_replay_paused()')" == t ]] && replica 'SELECT pg_wal_replay_resume()' >/dev/null
  echo "replica: ok on $PORT (apply delay $(replica 'SHOW recovery_min_apply_delay'))"
  exit 0
fi
if exists; then
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start >/dev/null 2>&1 || true
  for ((i = 0; i < 25; i++)); do
    [[ "$(replica 'SELECT pg_is_in_recovery()' || true)" == "t" ]] && break
    sleep 0.2
  done
  if [[ "$(replica 'SELECT pg_is_in_recovery()' || true)" == "t" ]] && streaming; then
    [[ "$(replica 'SELECT pg_is_wal_replay_paused()')" == t ]] && replica 'SELECT pg_wal_replay_resume()' >/dev/null
    echo "replica: started on $PORT"
    exit 0
  fi
  # Not a replica, or one that cannot stream any more (the primary recycled the WAL it needs): make it again.
  echo "replica: $VERSION/$NAME does not come up as a streaming replica; recreating it" >&2
  pg_dropcluster --stop "$VERSION" "$NAME"
fi

# ---------------------------------------------------------------- the primary must allow it, without a restart
wal_level="$(primary 'SHOW wal_level')" || die "no primary answers at $PRIMARY_HOST:$PRIMARY_PORT"
senders="$(primary 'SHOW max_wal_senders')"
[[ "$wal_level" == replica || "$wal_level" == logical ]] ||
  die "the primary has wal_level=$wal_level; streaming needs 'replica' (changing it needs a restart, not done here)"
((senders > 0)) || die "the primary has max_wal_senders=0 (changing it needs a restart, not done here)"

hba_lines="$(primary "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND type = 'host' AND (address IS NULL OR address = '127.0.0.1' OR address = 'all')")"
if [[ "$hba_lines" == 0 ]]; then
  hba_file="$(primary 'SHOW hba_file')"
  [[ -w "$hba_file" ]] || die "the primary's $hba_file has no local replication line and is not writable here"
  # Same trust as the primary's own loopback line (127.0.0.1 only).
  printf '\n# Added by doctorly scripts/replica.sh: local streaming replica\nhost replication all 127.0.0.1/32 trust\n' >>"$hba_file"
  [[ "$(primary 'SELECT pg_reload_conf()')" == t ]] || die "could not reload the primary's configuration"
  sleep 0.5
  echo "replica: added 'host replication all 127.0.0.1/32 trust' to $hba_file and reloaded the primary"
fi

# ---------------------------------------------------------------- a second cluster, filled by pg_basebackup -R
pg_createcluster "$VERSION" "$NAME" -p "$PORT" >/dev/null
datadir="$(pg_lsclusters --no-header | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n { print $6 }')"
confdir="/etc/postgresql/$VERSION/$NAME"
[[ -n "$datadir" && -d "$datadir" ]] || die "pg_createcluster made no data directory"
find "$datadir" -mindepth 1 -delete
as_postgres pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PGUSER_NAME" -D "$datadir" -R -X stream -c fast ||
  die "pg_basebackup from $PRIMARY_HOST:$PRIMARY_PORT failed"
cat >"$confdir/conf.d/doctorly-replica.conf" <<EOF
# Written by doctorly scripts/replica.sh
listen_addresses = '127.0.0.1'
hot_standby = on
recovery_min_apply_delay = '$DELAY'
EOF
# The replica answers whoever the primary answers, the same way (its pg_hba.conf is the primary's).
cp "$(primary 'SHOW hba_file')" "$confdir/pg_hba.conf"
chown postgres:postgres "$confdir/conf.d/doctorly-replica.conf" "$confdir/pg_hba.conf"
pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start >/dev/null
wait_ready
echo "replica: created $VERSION/$NAME on $PORT from $PRIMARY_HOST:$PRIMARY_PORT (apply delay $DELAY)"
