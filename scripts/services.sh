#!/usr/bin/env bash
# Make sure the services Doctorly needs are up:
#   - PostgreSQL at DATABASE_URL (starts the local Debian cluster if needed, creates the database)
#   - Redis with the RediSearch module at REDIS_URL (starts a private redis-server under .data/)
# Idempotent; when everything is already running it only checks (well under a second).
# Alternative without local services: docker compose up -d postgres redis
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/doctorly}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6380}"
REDISEARCH_MODULE="${REDISEARCH_MODULE:-/usr/lib/redis/modules/redisearch.so}"
COMPOSE_HINT="or run 'docker compose up -d postgres redis' and point DATABASE_URL/REDIS_URL at it"

die() {
  echo "$*" >&2
  exit 1
}

is_local() {
  case "$1" in
  "" | 127.* | localhost | ::1 | 0.0.0.0) return 0 ;;
  *) return 1 ;;
  esac
}

# apt_install PKG... : install Debian packages when running as root (apt-get update only if needed).
apt_install() {
  if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
    return 1
  fi
  echo "installing $* with apt-get ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq "$@" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq "$@" >/dev/null
  fi
}

# ---------------------------------------------------------------- parse the URLs
command -v node >/dev/null || die "services: node is required (Node 20)"
# shellcheck disable=SC2016 # JavaScript, not shell
PARSED="$(node -e '
  const [dbUrl, redisUrl] = process.argv.slice(1);
  const host = (u) => decodeURIComponent(u.hostname).replace(/^\[|\]$/g, "");
  const out = [];
  try {
    const d = new URL(dbUrl);
    const name = decodeURIComponent(d.pathname.replace(/^\//, "")) || "postgres";
    const maint = new URL(dbUrl);
    maint.pathname = name === "postgres" ? "/template1" : "/postgres";
    out.push(host(d), d.port || "5432", name, decodeURIComponent(d.username) || "postgres", maint.href);
  } catch { console.error(`services: invalid DATABASE_URL: ${dbUrl}`); process.exit(1); }
  try {
    const r = new URL(redisUrl);
    out.push(host(r), r.port || "6379", decodeURIComponent(r.username), decodeURIComponent(r.password));
  } catch { console.error(`services: invalid REDIS_URL: ${redisUrl}`); process.exit(1); }
  if (out.some((v) => v.includes("\n"))) { console.error("services: newline in URL"); process.exit(1); }
  console.log([...out, "end"].join("\n"));
' "$DATABASE_URL" "$REDIS_URL")"
{
  read -r PG_HOST
  read -r PG_PORT
  read -r PG_DB
  read -r PG_USER
  read -r PG_MAINT_URL
  read -r REDIS_HOST
  read -r REDIS_PORT
  read -r REDIS_USER
  read -r REDIS_PASS
} <<<"$PARSED"

# ---------------------------------------------------------------- PostgreSQL
ensure_postgres() {
  if ! command -v psql >/dev/null || ! command -v pg_isready >/dev/null; then
    if is_local "$PG_HOST" && apt_install postgresql; then
      :
    else
      die "postgres: psql/pg_isready not found. Install PostgreSQL: apt-get install postgresql ($COMPOSE_HINT)"
    fi
  fi

  local started=""
  if ! pg_isready -q -t 2 -d "$PG_MAINT_URL" >/dev/null 2>&1; then
    is_local "$PG_HOST" || die "postgres: nothing answers at $PG_HOST:$PG_PORT (remote host, not starting anything)"
    if ! command -v pg_ctlcluster >/dev/null; then
      apt_install postgresql ||
        die "postgres: no server at $PG_HOST:$PG_PORT and no local cluster. Install it: apt-get install postgresql ($COMPOSE_HINT)"
    fi
    # Pick the local cluster that listens on this port.
    local cluster
    cluster="$(pg_lsclusters --no-header 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1 " " $2; exit }')"
    [[ -n "$cluster" ]] ||
      die "postgres: no local cluster on port $PG_PORT (see pg_lsclusters; or: pg_createcluster 15 main --start)"
    # shellcheck disable=SC2086 # "<version> <name>" on purpose
    pg_ctlcluster --skip-systemctl-redirect $cluster start >/dev/null 2>&1 || true
    local i
    for ((i = 0; i < 100; i++)); do
      pg_isready -q -t 1 -d "$PG_MAINT_URL" >/dev/null 2>&1 && break
      sleep 0.2
    done
    pg_isready -q -t 1 -d "$PG_MAINT_URL" >/dev/null 2>&1 ||
      die "postgres: cluster ${cluster/ //} did not come up within 20 s (see /var/log/postgresql/)"
    started="started cluster ${cluster/ //}, "
  fi

  local exists
  exists="$(psql "$PG_MAINT_URL" -X -w -q -tA -v ON_ERROR_STOP=1 -v db="$PG_DB" 2>&1 <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")" ||
    die "postgres: server answers at $PG_HOST:$PG_PORT but connecting as $PG_USER failed: $exists"
  if [[ "$exists" != "1" ]]; then
    local err
    if ! err="$(psql "$PG_MAINT_URL" -X -w -q -v ON_ERROR_STOP=1 -v db="$PG_DB" 2>&1 <<<'CREATE DATABASE :"db";')"; then
      # Another run may have created it concurrently.
      [[ "$err" == *"already exists"* ]] || die "postgres: could not create database $PG_DB: $err"
    fi
    echo "postgres: ${started}created database $PG_DB ($PG_HOST:$PG_PORT)"
  else
    echo "postgres: ${started}ok ($PG_DB)"
  fi
}

# ---------------------------------------------------------------- Redis + RediSearch
rcli() {
  local args=(-h "$REDIS_HOST" -p "$REDIS_PORT")
  [[ -n "$REDIS_USER" && "$REDIS_USER" != "default" ]] && args+=(--user "$REDIS_USER")
  if [[ -n "$REDIS_PASS" ]]; then
    REDISCLI_AUTH="$REDIS_PASS" timeout 3 redis-cli "${args[@]}" "$@" 2>&1
  else
    timeout 3 redis-cli "${args[@]}" "$@" 2>&1
  fi
}

# Prints "RediSearch X.Y" when the server has the module (name ft = 1.x, search = 2.x+), fails otherwise.
search_version() {
  rcli MODULE LIST | awk '
    prev == "name" && ($0 == "ft" || $0 == "search") { found = 1 }
    found && prev == "ver" && !done { printf "RediSearch %d.%d\n", int($0 / 10000), int($0 / 100) % 100; done = 1 }
    { prev = $0 }
    END { exit done ? 0 : 1 }'
}

ensure_redis() {
  if ! command -v redis-cli >/dev/null; then
    if ! { is_local "$REDIS_HOST" && apt_install redis-server redis-redisearch; }; then
      die "redis-search: redis-cli not found. Install: apt-get install redis-server redis-redisearch ($COMPOSE_HINT)"
    fi
  fi

  local reply ver
  reply="$(rcli PING || true)"
  if [[ -n "$reply" && "$reply" != *"Connection refused"* && "$reply" != *"Could not connect"* ]]; then
    [[ "$reply" == "PONG" ]] ||
      die "redis-search: a server on $REDIS_HOST:$REDIS_PORT answered PING with: $reply"
    ver="$(search_version)" ||
      die "redis-search: the Redis on port $REDIS_PORT has no RediSearch module (MODULE LIST has neither 'ft' nor 'search'). Use another port, e.g. REDIS_URL=redis://127.0.0.1:6380 (this script then starts one), $COMPOSE_HINT"
    echo "redis-search: ok on $REDIS_PORT ($ver)"
    return
  fi

  is_local "$REDIS_HOST" || die "redis-search: nothing answers at $REDIS_HOST:$REDIS_PORT (remote host, not starting anything)"

  if ! command -v redis-server >/dev/null || [[ ! -f "$REDISEARCH_MODULE" ]]; then
    if [[ "$REDISEARCH_MODULE" == /usr/lib/redis/modules/redisearch.so ]] && apt_install redis-server redis-redisearch; then
      :
    else
      die "redis-search: need redis-server and $REDISEARCH_MODULE. Install: apt-get install redis-server redis-redisearch ($COMPOSE_HINT)"
    fi
  fi

  local dir="$ROOT/.data/redis-$REDIS_PORT"
  mkdir -p "$dir"
  local args=(--port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes
    --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" --loadmodule "$REDISEARCH_MODULE")
  [[ -n "$REDIS_PASS" ]] && args+=(--requirepass "$REDIS_PASS")
  redis-server "${args[@]}" >/dev/null ||
    die "redis-search: redis-server failed to start on $REDIS_PORT (see $dir/redis.log)"

  local i
  for ((i = 0; i < 100; i++)); do
    [[ "$(rcli PING || true)" == "PONG" ]] && break
    sleep 0.1
  done
  if [[ "$(rcli PING || true)" != "PONG" ]]; then
    tail -n 5 "$dir/redis.log" >&2 || true
    die "redis-search: redis-server on $REDIS_PORT did not answer within 10 s (log: $dir/redis.log)"
  fi
  ver="$(search_version)" ||
    die "redis-search: redis-server on $REDIS_PORT started but the module is not loaded (log: $dir/redis.log)"
  echo "redis-search: started on $REDIS_PORT ($ver)"
}

ensure_postgres
ensure_redis
