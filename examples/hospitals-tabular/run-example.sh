#!/usr/bin/env bash
# The README's walkthrough as one script: coordinator, run, three hospitals (3 processes), comparison.
# Needs `npm run build` first. Uses the coordinator at $FEDERA_URL when set, else starts one
# (PORT=0 picks any free port). WORK=DIR puts data and logs there (default: this directory).
set -euo pipefail
cd "$(dirname "$0")"
FEDERA="node ../../packages/cli/dist/bin.js"
WORK="${WORK:-.}"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${STORE:-}" ]; then rm -rf "$STORE"; fi
}
trap cleanup EXIT
node generate.mjs --out "$WORK/data"
if [ -z "${FEDERA_URL:-}" ]; then
  STORE="$(mktemp -d)"
  $FEDERA server start --port "${PORT:-8080}" --store "$STORE" --json > "$WORK/server.log" 2>&1 &
  PIDS+=($!)
  until grep -q '"url"' "$WORK/server.log"; do kill -0 "${PIDS[0]}"; sleep 0.1; done
  export FEDERA_URL="$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$WORK/server.log" | head -1)"
fi
echo "coordinator at $FEDERA_URL"

$FEDERA run create --id hospitals --model logistic --inputs 9 --classes 2 \
  --rounds 20 --clients-per-round 3 --min-clients 3 --epochs 2 --batch 16 --lr 0.1 --secure-aggregation
CLIENTS=()
for h in a b c; do
  $FEDERA client join --run hospitals --id "hospital-$h" --data "$WORK/data/hospital-$h/train.csv" \
    --label diabetes --categorical sex,smoking > "$WORK/hospital-$h.log" 2>&1 &
  CLIENTS+=($!)
  PIDS+=($!)
done
$FEDERA run start hospitals
$FEDERA run watch hospitals
for pid in "${CLIENTS[@]}"; do wait "$pid"; done
node compare.mjs --run hospitals --data "$WORK/data"
