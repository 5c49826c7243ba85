#!/bin/sh
# Writes deploy/tokens.env (0600, git-ignored): one random admin token per service of docker-compose.yml, and the
# MariaDB root password. Compose reads it with `docker compose --env-file deploy/tokens.env up --build`; each service
# gets its own token as OCOPEA_ADMIN_TOKEN and `setup` registers brokers and Sites with them. Existing entries are
# kept; names the file lacks (services added since it was made) are appended.
set -eu
cd "$(dirname "$0")"
umask 077
touch tokens.env
for name in HUB SITE_A SITE_B CRB_A CRB_B DSB_FS_A DSB_FS_B DSB_PG_A DSB_PG_B DSB_MY_A DSB_MY_B PSB_A PSB_B MARIADB_ROOT; do
  grep -q "^${name}_TOKEN=" tokens.env && continue
  printf '%s_TOKEN=%s\n' "$name" "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" >> tokens.env
done
echo "deploy/tokens.env is ready: the Hub's admin token is HUB_TOKEN"
