#!/usr/bin/env bash
# Stop the local Kafka broker started by kafka-start.sh: SIGTERM (controlled shutdown), wait up to
# KAFKA_STOP_TIMEOUT (30 s) for the process to exit, then SIGKILL as a last resort.
# No-op when it is not running.
set -euo pipefail

DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
CACHE="$DIR/.cache"
# KAFKA_STATE_DIR: the state of a second broker started with the same variable
STATE="${KAFKA_STATE_DIR:-$CACHE}"
PIDFILE="$STATE/kafka.pid"
PROPS="$STATE/server.properties"
TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

log() { echo "kafka-stop: $*"; }

pid="$(cat "$PIDFILE" 2>/dev/null || true)"
if [ -z "$pid" ]; then
  log "not running (no pid file)"
  exit 0
fi
if ! kill -0 "$pid" 2>/dev/null || ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $PROPS"; then
  log "not running (stale pid file for pid $pid removed)"
  rm -f "$PIDFILE"
  exit 0
fi

start=$(date +%s%3N)
log "stopping broker pid $pid (SIGTERM, controlled shutdown)"
kill -TERM "$pid" 2>/dev/null || true
deadline=$(( start + TIMEOUT * 1000 ))
while kill -0 "$pid" 2>/dev/null; do
  if (( $(date +%s%3N) > deadline )); then
    log "still alive after ${TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
    rm -f "$CACHE"/cds/*.jsa.new   # the class-data archive dump was cut short
    break
  fi
  sleep 0.2
done
rm -f "$PIDFILE"
ms=$(( $(date +%s%3N) - start ))
log "stopped ($((ms / 1000)).$(((ms % 1000) / 100)) s)"
