#!/usr/bin/env bash
# Start PostgreSQL and Redis on loopback for the second test run (Debian packages).
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q online; then
  pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null
  pg_ctlcluster "$version" main start
fi
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='imbrace'\"" | grep -q 1 || \
  su postgres -c "psql -qc \"CREATE ROLE imbrace LOGIN SUPERUSER PASSWORD 'imbrace'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='imbrace'\"" | grep -q 1 || \
  su postgres -c "createdb -O imbrace imbrace"
redis-cli ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' >/dev/null
for _ in $(seq 1 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "PostgreSQL $version and Redis are up"
