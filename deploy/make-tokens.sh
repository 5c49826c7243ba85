#!/bin/sh
# Writes deploy/tokens.env (0600, git-ignored): one random admin token per service of docker-compose.yml. Compose
# reads it with `docker compose --env-file deploy/tokens.env up --build`; each service gets its own token as
# OCOPEA_ADMIN_TOKEN and `setup` registers brokers and Sites with them. Existing tokens are kept.
set -eu
cd "$(dirname "$0")"
[ -f tokens.env ] && { echo "deploy/tokens.env exists; keeping it"; exit 0; }
umask 077
for name in HUB SITE_A SITE_B CRB_A CRB_B DSB_FS_A DSB_FS_B DSB_PG_A DSB_PG_B PSB_A PSB_B; do
  printf '%s_TOKEN=%s\n' "$name" "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
done > tokens.env
echo "wrote deploy/tokens.env: the Hub's admin token is HUB_TOKEN"
