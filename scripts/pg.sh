#!/usr/bin/env bash
# A throwaway PostgreSQL server for trying the store by hand (tests and bench start their own).
#   scripts/pg.sh start [DIR]   initdb + start on a free local port; prints the URL for --db / JIXIAO_DB
#   scripts/pg.sh stop  [DIR]   stop it and delete DIR
# Uses the Debian postgresql package (scripts/setup-system.sh installs it); as root the server runs as
# the postgres system user, because initdb refuses to run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
DIR="${2:-/tmp/jixiao-pg}"
case "${1:-}" in
  start) "$PY" -m tests.pgcluster start "$DIR" ;;
  stop) "$PY" -m tests.pgcluster stop "$DIR" ;;
  *) echo "usage: scripts/pg.sh start|stop [DIR]" >&2; exit 2 ;;
esac
