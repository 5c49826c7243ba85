# One image for every Ocopea service; choose which with OCOPEA_SERVICE (site, hub, crb-fs, dsb-postgres, dsb-mariadb, dsb-fs,
# psb-process, psb-k8s) or run a tools/ command (node tools/topology/dist/register-cli.js). Services run their build
# (dist/main.js) with plain node and the flags their package.json declares, as `pnpm start` does (deploy/run-service.sh).
FROM node:20-bookworm-slim

# pg_dump/pg_restore for dsb-postgres (client 15 matches the server line we test against; it can dump older servers);
# mariadb-dump/mariadb for dsb-mariadb.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 mariadb-client ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g pnpm@10.34.9

WORKDIR /app
COPY . .
# Build (esbuild, a dev dependency), then drop the dev dependencies: what runs is plain JavaScript. The type check is
# CI's (`pnpm build`); the image only emits. (The sample app's own tsx stays: psb-process runs it from TypeScript.)
RUN pnpm install --frozen-lockfile \
 && pnpm bundle \
 && CI=true pnpm install --frozen-lockfile --prod \
 && pnpm store prune

# Services listen on loopback only unless told otherwise; in a container that means every interface. Credentials:
# OCOPEA_ADMIN_TOKEN (or _FILE, OCOPEA_TOKENS_FILE, OCOPEA_OIDC_ISSUER), else one is generated into /data/admin-token.
ENV NODE_ENV=production \
    OCOPEA_HOST=0.0.0.0 \
    OCOPEA_DATA_DIR=/data \
    OCOPEA_SERVICE=site
VOLUME ["/data"]
# tini forwards SIGTERM so the service drains in-flight requests before exiting.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/app/deploy/run-service.sh"]
