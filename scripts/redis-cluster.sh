#!/usr/bin/env bash
# A local Redis Cluster for the cache, queue and counter roles (REDIS_CLUSTER=true) and its tests:
# three masters with one replica each on loopback ports (6464–6469 by default, their cluster bus on the
# port + 10: 6474–6479), a short cluster-node-timeout so that a replica takes over a dead master within
# a couple of seconds.
# Idempotent: when the cluster already answers with cluster_state:ok, it only checks.
#   bash scripts/redis-cluster.sh          create/start it
#   bash scripts/redis-cluster.sh stop     shut every node down (data is not kept)
# Environment: REDIS_CLUSTER_BASE_PORT (6464), REDIS_CLUSTER_NODE_TIMEOUT_MS (1000).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${REDIS_CLUSTER_BASE_PORT:-6464}"
TIMEOUT_MS="${REDIS_CLUSTER_NODE_TIMEOUT_MS:-1000}"
PORTS=("$BASE" $((BASE + 1)) $((BASE + 2)) $((BASE + 3)) $((BASE + 4)) $((BASE + 5)))
DIR="$ROOT/.data/redis-cluster"

die() {
  echo "redis-cluster: $*" >&2
  exit 1
}
cli() { timeout 3 redis-cli -h 127.0.0.1 -p "$1" "${@:2}" 2>/dev/null; }
state() { cli "$1" CLUSTER INFO | tr -d '\r' | awk -F: '$1 == "cluster_state" { print $2 }'; }

command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
  die "needs redis-server and redis-cli (apt-get install redis-server)"

if [[ "${1:-}" == stop ]]; then
  for port in "${PORTS[@]}"; do cli "$port" SHUTDOWN NOSAVE >/dev/null || true; done
  echo "redis-cluster: stopped ${PORTS[0]}–${PORTS[5]}"
  exit 0
fi

all_up=true
for port in "${PORTS[@]}"; do [[ "$(cli "$port" PING || true)" == PONG ]] || all_up=false; done
if $all_up && [[ "$(state "$BASE")" == ok ]]; then
  masters="$(cli "$BASE" CLUSTER NODES | grep -c master || true)"
  echo "redis-cluster: ok on ${PORTS[0]}–${PORTS[5]} ($masters masters)"
  exit 0
fi

# Anything half there (a node that died, a cluster that never formed): start again from nothing.
for port in "${PORTS[@]}"; do cli "$port" SHUTDOWN NOSAVE >/dev/null || true; done
for port in "${PORTS[@]}"; do
  for ((i = 0; i < 50; i++)); do
    [[ "$(cli "$port" PING || true)" == PONG ]] || break
    sleep 0.1
  done
done
rm -rf "$DIR"
for port in "${PORTS[@]}"; do
  mkdir -p "$DIR/$port"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --cluster-enabled yes --cluster-port $((port + 10)) --cluster-config-file "$DIR/$port/nodes.conf" --cluster-node-timeout "$TIMEOUT_MS" \
    --dir "$DIR/$port" --logfile "$DIR/$port/redis.log" --pidfile "$DIR/$port/redis.pid" >/dev/null ||
    die "redis-server failed to start on $port (see $DIR/$port/redis.log)"
done
for port in "${PORTS[@]}"; do
  for ((i = 0; i < 100; i++)); do
    [[ "$(cli "$port" PING || true)" == PONG ]] && break
    sleep 0.1
  done
  [[ "$(cli "$port" PING || true)" == PONG ]] || die "node $port did not answer within 10 s"
done

seeds=()
for port in "${PORTS[@]}"; do seeds+=("127.0.0.1:$port"); done
redis-cli --cluster create "${seeds[@]}" --cluster-replicas 1 --cluster-yes >"$DIR/create.log" 2>&1 ||
  {
    tail -n 20 "$DIR/create.log" >&2
    die "redis-cli --cluster create failed"
  }
for ((i = 0; i < 150; i++)); do
  ok=true
  for port in "${PORTS[@]}"; do [[ "$(state "$port")" == ok ]] || ok=false; done
  $ok && break
  sleep 0.2
done
$ok || die "the cluster did not reach cluster_state:ok within 30 s"
echo "redis-cluster: created on ${PORTS[0]}–${PORTS[5]} (3 masters, 3 replicas, node timeout ${TIMEOUT_MS} ms)"
