#!/bin/sh
# Runs the Vue tests against Vue 3.3 (the oldest supported). vue@3.3 and @vue/test-utils go into a cache directory
# outside the workspace (pnpm's lockfile and the Vue 3.5 dev dependency stay as they are) and
# vitest.vue33.config.ts aliases them in. Run from anywhere: sh packages/vue/scripts/test-vue33.sh
set -e
cd "$(dirname "$0")/../../.."
DIR="${VUE33_DIR:-$HOME/.cache/tokenstream-vue33}"
if [ ! -f "$DIR/node_modules/vue/package.json" ]; then
  mkdir -p "$DIR"
  npm install --prefix "$DIR" --no-save --no-package-lock --no-audit --no-fund vue@3.3.13 @vue/test-utils@2.4.6
fi
VUE33_DIR="$DIR" exec pnpm vitest run --config packages/vue/vitest.vue33.config.ts "$@"
