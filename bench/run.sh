#!/usr/bin/env bash
# Runs racket against NATS core and Redis pub/sub on this machine, in two views (opaque payloads
# and Jackson objects), and prints one markdown report; exits 1 if a row lost events or failed emits.
#   bench/run.sh                      full run: 2 rounds, every system, view and phase (more than an hour)
#   bench/run.sh --quick              one short round: a smoke run (about 15 minutes for everything)
#   bench/run.sh --write docs/PERFORMANCE.md   also replace the table in that file
# Other options: java -jar bench/target/racket-bench.jar --help
# Installs redis-server and nats-server (Debian) when missing; every server and JVM it starts
# listens on loopback only and is stopped when it ends (also on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null || ! { command -v nats-server || test -x /usr/sbin/nats-server; } >/dev/null; then
  echo "[bench] installing redis-server and nats-server" >&2
  if [ "$(id -u)" -ne 0 ]; then echo "[bench] run as root, or: sudo apt-get install -y redis-server nats-server" >&2; exit 2; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server nats-server >/dev/null
fi

if [ -z "${BENCH_NO_BUILD:-}" ]; then
  echo "[bench] building relay and bench (mvn -Pbench -pl relay,bench -am package)" >&2
  mvn -B -q -Pbench -pl relay,bench -am package -DskipTests
fi

java -jar bench/target/racket-bench.jar "$@" &
launcher=$!
# The launcher stops its children itself (finally blocks and a shutdown hook); this forwards
# Ctrl-C / TERM to it, so nothing it started outlives the script.
trap 'kill -TERM "$launcher" 2>/dev/null || true; wait "$launcher" 2>/dev/null || true' INT TERM
wait "$launcher"
