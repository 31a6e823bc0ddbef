#!/usr/bin/env bash
# The tests use PostgreSQL 15 as the reference server (logic tests run on both engines). Install
# Debian's packages when they are missing and we may; otherwise say exactly what is needed.
set -euo pipefail
bin="${TESSERA_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ -x "$bin/postgres" ] && [ -x "$bin/initdb" ] && id -u postgres >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing PostgreSQL 15 (the reference server for the compatibility tests)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
  exit 0
fi
echo "PostgreSQL 15 is needed by the tests and was not found at $bin." >&2
echo "Install it (Debian/Ubuntu: sudo apt-get install postgresql-15 postgresql-client-15)" >&2
echo "or point TESSERA_PG_BIN at its bin directory." >&2
exit 1
