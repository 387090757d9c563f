#!/usr/bin/env bash
# What the allocator keeps after an allocation burst (docs/RELIABILITY.md, "Allocator").
# Starts the given storekeep binary on a scratch SQLite file, fires CONCURRENCY requests at
# once, ROUNDS times, and prints the server's RSS before, at the peak (sampled every 20 ms)
# and SETTLE seconds after each round. MODE=body (default): customer creations with a
# ~1.9 MiB email (refused with 400 after the body is read and parsed: ~4 MiB of short-lived
# allocations each). MODE=graphql: a GraphQL query of 100 aliased introspections of the
# schema's types (a few MiB of response each, while GraphQL has no cap on them).
#
#   [MODE=graphql] scripts/alloc-burst.sh target/release/storekeep [CONCURRENCY=64] [ROUNDS=3] [SETTLE=5]
# Extra environment for the server (e.g. MALLOC_ARENA_MAX=2, LD_PRELOAD) is passed through.
set -euo pipefail
BIN=${1:?storekeep binary}; N=${2:-64}; MODE=${MODE:-body}; ROUNDS=${3:-3}; SETTLE=${4:-5}
DIR=$(mktemp -d /tmp/storekeep-alloc-burst.XXXXXX)
PORT=$(( 20000 + RANDOM % 20000 ))
export CTP_PROJECT_KEY=burst CTP_CLIENT_ID=burst-client CTP_CLIENT_SECRET=burst-secret-0123456789
"$BIN" serve --listen 127.0.0.1:$PORT --database-url "sqlite:$DIR/db" --log warn >"$DIR/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DIR"' EXIT
until curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null; do sleep 0.1; done
TOKEN=$(curl -s -u "$CTP_CLIENT_ID:$CTP_CLIENT_SECRET" -d grant_type=client_credentials \
  "http://127.0.0.1:$PORT/oauth/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
if [ "$MODE" = graphql ]; then
  URL="http://127.0.0.1:$PORT/burst/graphql"
  { printf '{"query":"{'; for i in $(seq 100); do printf 'a%d: __schema { types { name fields { name args { name } type { name ofType { name } } } } } ' "$i"; done; printf '}"}'; } >"$DIR/big.json"
else
  URL="http://127.0.0.1:$PORT/burst/customers"
  { printf '{"email":"'; head -c 1900000 /dev/zero | tr '\0' 'a'; printf '@example.com","password":"x"}'; } >"$DIR/big.json"
fi
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$PID/status; }
echo "baseline RSS MiB: $(rss)"
for r in $(seq 1 "$ROUNDS"); do
  touch "$DIR/sampling"
  ( peak=0; while [ -e "$DIR/sampling" ]; do v=$(awk '/VmRSS/ {print $2}' /proc/$PID/status); [ "$v" -gt "$peak" ] && peak=$v; sleep 0.02; done; echo "$peak" >"$DIR/peak" ) &
  SAMPLER=$!
  seq "$N" | xargs -P "$N" -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary @"$DIR/big.json" "$URL" | sort | uniq -c | tr '\n' ' '
  rm -f "$DIR/sampling"; wait $SAMPLER
  sleep "$SETTLE"
  echo "| round $r: peak RSS MiB $(awk '{printf "%.1f", $1/1024}' "$DIR/peak"), ${SETTLE} s after $(rss)"
done
