#!/bin/sh
# Starts one Ocopea service from its build output, as every start of it does: `node <flags> dist/main.js` in its
# package folder, with the node flags its package.json declares (`ocopea.runtime.nodeFlags`, the one place they are
# written; libs/testing reads the same field for the topology, the tests and the benchmarks). exec: nothing stays
# in between, so signals reach the service. Never builds: `pnpm build` (or the image build) made dist/.
#   deploy/run-service.sh [package dir]   default: services/$OCOPEA_SERVICE (the container's entry point)
# Every service package's `pnpm start` runs it with its own folder.
set -eu
dir=${1:-$(dirname "$0")/../services/${OCOPEA_SERVICE:?set OCOPEA_SERVICE to a folder of services/}}
cd "$dir"
if [ ! -f dist/main.js ]; then
  echo "$(pwd)/dist/main.js is not built: run pnpm build" >&2
  exit 1
fi
flags=$(node -p 'const r = require("./package.json").ocopea?.runtime ?? {}; (r.nodeFlags ?? []).join(" ")')
# shellcheck disable=SC2086 # the flags are separate words
exec node $flags dist/main.js
