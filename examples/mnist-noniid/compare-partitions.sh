#!/usr/bin/env bash
# Final test accuracy of the 2NN after N rounds under three partitions of MNIST among 10 clients.
# Usage: ROUNDS=10 ./compare-partitions.sh   (needs `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${ROUNDS:-10}"
echo "| partition | rounds | final test accuracy | seconds |"
echo "|---|---:|---:|---:|"
for spec in "iid" "dirichlet --alpha 0.5" "dirichlet --alpha 0.1" "shards"; do
  # shellcheck disable=SC2086
  node packages/cli/dist/bin.js sim --partition $spec --rounds "$ROUNDS" --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(`| ${process.argv[1]} | ${r.rounds.length} | ${r.finalAccuracy.toFixed(4)} | ${r.seconds.toFixed(0)} |`)})' "$spec"
done
