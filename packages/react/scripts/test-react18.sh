#!/bin/sh
# Runs the React tests against React 18. react@18, react-dom@18 and @testing-library/react go into a cache
# directory outside the workspace (so pnpm's lockfile and the React 19 dev dependencies stay as they are)
# and vitest.react18.config.ts aliases them in. Run from anywhere: sh packages/react/scripts/test-react18.sh
set -e
cd "$(dirname "$0")/../../.."
DIR="${REACT18_DIR:-$HOME/.cache/tokenstream-react18}"
if [ ! -f "$DIR/node_modules/react-dom/package.json" ]; then
  mkdir -p "$DIR"
  npm install --prefix "$DIR" --no-save --no-package-lock --no-audit --no-fund \
    react@18.3.1 react-dom@18.3.1 @testing-library/react@16.3.0 @testing-library/dom@10.4.0
fi
REACT18_DIR="$DIR" exec pnpm vitest run --config packages/react/vitest.react18.config.ts "$@"
