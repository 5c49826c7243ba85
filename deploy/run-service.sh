#!/bin/sh
# Container entry point: runs the package start script of services/$OCOPEA_SERVICE, the same command `pnpm start`
# runs (crb-fs compiles its bundle first; the others start from TypeScript), without pnpm staying in between.
set -eu
cd "/app/services/${OCOPEA_SERVICE:?set OCOPEA_SERVICE to a folder of services/}"
script=$(node -p 'require("./package.json").scripts.start')
exec sh -c "$script"
