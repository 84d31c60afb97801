#!/usr/bin/env bash
# Builds the package of an earlier commit (default: the one before the Rust browser
# layer, c4691b3) into target/baseline/<commit>/pkg, for benches/budgets.mjs --baseline and
# scripts/size.mjs --dir, so both builds are measured side by side in the same run.
#   bash benches/baseline.sh [commit]
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:-c4691b3}
dir=target/baseline/$commit
if [ ! -f "$dir/pkg/lanterne.js" ]; then
  rm -rf "$dir" && mkdir -p target/baseline
  git worktree add -f --detach "$dir" "$commit" >/dev/null
  ln -s "$PWD/node_modules" "$dir/node_modules"
  (cd "$dir" && bash scripts/build.sh >/dev/null)
fi
echo "$dir/pkg"
