#!/usr/bin/env bash
# Status of the local Kafka broker: prints running/stopped, pid and listener.
# Exit 0 when running, 3 when stopped. With KAFKA_BROKERS set, reports on that cluster instead.
set -uo pipefail

DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
CACHE="$DIR/.cache"
# KAFKA_STATE_DIR: the state of a second broker started with the same variable
STATE="${KAFKA_STATE_DIR:-$CACHE}"
PIDFILE="$STATE/kafka.pid"
PROPS="$STATE/server.properties"
HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"

# Kafka Metadata v4 request over /dev/tcp (same probe as kafka-start.sh); prints live broker count.
kafka_probe() {
  timeout "${3:-3}" bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x00\x00\x00\x1a\x00\x03\x00\x04\x00\x00\x00\x2a\x00\x0bkafka-probe\xff\xff\xff\xff\x00" >&3
    read -r -a h < <(head -c 4 <&3 | od -An -tu1 -v)
    [ "${#h[@]}" -eq 4 ] || exit 2
    size=$(( (h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3] ))
    [ "$size" -ge 12 ] && [ "$size" -le 67108864 ] || exit 3
    read -r -a b < <(head -c "$size" <&3 | od -An -tu1 -v | tr -s " \n" "  ")
    [ "${#b[@]}" -eq "$size" ] || exit 4
    [ $(( (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3] )) -eq 42 ] || exit 5
    n=$(( (b[8] << 24) | (b[9] << 16) | (b[10] << 8) | b[11] ))
    [ "$n" -ge 1 ] || exit 6
    echo "$n"
  ' "$1" "$2" 2>/dev/null
}

if [ -n "${KAFKA_BROKERS:-}" ]; then
  IFS=', ' read -r -a brokers <<<"$KAFKA_BROKERS"
  for b in "${brokers[@]}"; do
    [ -n "$b" ] || continue
    hp="${b##*://}"
    if n=$(kafka_probe "${hp%:*}" "${hp##*:}"); then
      echo "running (external cluster KAFKA_BROKERS=$KAFKA_BROKERS; $hp answers, $n live broker(s))"
      exit 0
    fi
  done
  echo "stopped (external cluster KAFKA_BROKERS=$KAFKA_BROKERS does not answer)"
  exit 3
fi

pid="$(cat "$PIDFILE" 2>/dev/null || true)"
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $PROPS"; then
  listener="$(sed -n 's/^advertised.listeners=//p' "$PROPS" 2>/dev/null)"
  rss="$(ps -o rss= -p "$pid" 2>/dev/null | tr -d ' ')"
  up="$(ps -o etime= -p "$pid" 2>/dev/null | tr -d ' ')"
  hp="${listener##*://}"
  if n=$(kafka_probe "${hp%:*}" "${hp##*:}" 2); then answer="answering ($n live broker)"; else answer="NOT answering yet"; fi
  echo "running"
  echo "  pid:      $pid (up $up, rss $((${rss:-0} / 1024)) MiB)"
  echo "  listener: $listener - $answer"
  echo "  data:     $STATE/data"
  echo "  log:      $STATE/kafka.log"
  exit 0
fi

echo "stopped"
[ -n "$pid" ] && echo "  (stale pid file: pid $pid is not running)"
if n=$(kafka_probe "$HOST" "$PORT" 1); then
  echo "  note: a Kafka broker not started by kafka-start.sh answers on $HOST:$PORT"
fi
exit 3
