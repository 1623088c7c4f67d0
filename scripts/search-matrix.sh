#!/usr/bin/env bash
# The search dialect matrix: runs the search adapter's integration tests and the read-side e2e against
# RediSearch 2.2 and 2.10 (what Redis Stack 7.4 ships), each on its own Redis started by
# scripts/services.sh. RediSearch 1.2 (Debian's) is the engine of the main `vitest run`, so with this
# script all three dialects run. Settings:
#   REDISEARCH22_MODULE / REDISEARCH210_MODULE  module files (default: ../shared/redisearch-2.*/redisearch.so)
#   TEST_REDIS22_URL / TEST_REDIS210_URL        where to run them (default: 127.0.0.1 ports 6383 / 6384)
#   SEARCH_MATRIX_REQUIRED=true                 a missing module fails the run instead of being reported
#   SEARCH_MATRIX_SCOPE=full                    run every integration and e2e test on each engine
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="$(cd "$ROOT/.." && pwd)/shared"
REQUIRED="${SEARCH_MATRIX_REQUIRED:-false}"
SCOPE="${SEARCH_MATRIX_SCOPE:-search}"

if [[ "$SCOPE" == full ]]; then
  TESTS=(--project integration --project e2e --project e2e-delivery)
else
  TESTS=(--project integration --project e2e tests/integration/search tests/integration/projections/outbox-projection.test.ts
    tests/e2e/read-side.test.ts tests/e2e/doctors.test.ts)
fi

ran=()
missing=()
run_engine() {
  local label="$1" module="$2" url="$3"
  if [[ ! -f "$module" ]]; then
    missing+=("RediSearch $label (no module at $module)")
    return
  fi
  echo "== search matrix: RediSearch $label ($module) at $url =="
  REDIS_URL="$url" REDISEARCH_MODULE="$module" DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/doctorly_test}" \
    bash "$ROOT/scripts/services.sh"
  local found
  found="$(redis-cli -u "$url" MODULE LIST | awk 'prev == "ver" { print int($0 / 10000) "." int($0 / 100) % 100; exit } { prev = $0 }')"
  if [[ "$found" != "$label" ]]; then
    echo "search matrix: the Redis at $url runs RediSearch $found, not $label (stop it or pick another port)" >&2
    exit 1
  fi
  TEST_REDIS_URL="$url" REDISEARCH_MODULE="$module" npx vitest run "${TESTS[@]}"
  ran+=("RediSearch $label")
}

run_engine 2.2 "${REDISEARCH22_MODULE:-$SHARED/redisearch-2.2/redisearch.so}" "${TEST_REDIS22_URL:-redis://127.0.0.1:6383}"
run_engine 2.10 "${REDISEARCH210_MODULE:-$SHARED/redisearch-2.10/redisearch.so}" "${TEST_REDIS210_URL:-redis://127.0.0.1:6384}"

summary="RediSearch 1.2 (the main run)"
for engine in "${ran[@]}"; do summary+=", $engine"; done
echo "search matrix: ran on $summary (scope: $SCOPE)"
if ((${#missing[@]} > 0)); then
  echo "search matrix: not run: ${missing[*]}" >&2
  [[ "$REQUIRED" == true ]] && exit 1
fi
exit 0
