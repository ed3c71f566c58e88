#!/usr/bin/env bash
# Start a local single-node Apache Kafka broker (KRaft, combined broker+controller) from
# Maven-resolved jars - no Docker. Idempotent: a second call finds the running broker.
#
#   docker/kafka/kafka-start.sh [--clean]
#
# Env: KAFKA_BROKERS (use that cluster instead: only wait until it answers), KAFKA_PORT (9092),
#      KAFKA_CONTROLLER_PORT (9093), KAFKA_START_TIMEOUT (60 s), KAFKA_CLEAN=1 (wipe data first),
#      KAFKA_HEAP_OPTS, KAFKA_JVM_OPTS (extra JVM flags), KAFKA_CDS=0 (no class-data-sharing cache),
#      KAFKA_STATE_DIR (data, config, log and pid of a second, separate broker; jars stay shared).
set -euo pipefail

DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
CACHE="$DIR/.cache"
LIB="$CACHE/lib"
# a second broker (e.g. the chaos run's, which it stops and starts) keeps its own state here
STATE="${KAFKA_STATE_DIR:-$CACHE}"
DATA="$STATE/data"
PROPS="$STATE/server.properties"
LOG="$STATE/kafka.log"
PIDFILE="$STATE/kafka.pid"
HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CPORT="${KAFKA_CONTROLLER_PORT:-9093}"
TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
CLEAN="${KAFKA_CLEAN:-0}"

for arg in "$@"; do
  case "$arg" in
    --clean) CLEAN=1 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kafka-start: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

log() { echo "kafka-start: $*"; }
die() { echo "kafka-start: ERROR: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
elapsed() { local ms=$(( $(now_ms) - $1 )); printf '%d.%01d s' $((ms / 1000)) $(((ms % 1000) / 100)); }

# A real Kafka request over bash's /dev/tcp (no kcat, no JVM): Metadata v4 for all topics.
# Succeeds (prints the number of live brokers) when host:port answers as Kafka with >= 1 broker.
kafka_probe() {
  timeout "${3:-3}" bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    # size=26 | api_key=3 (Metadata) | version=4 | correlation_id=42 | client_id | topics=null | auto_create=false
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
port_open() { timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }
# pid alive and really our broker (guards against a recycled pid)
is_our_broker() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "kafka.Kafka $PROPS"; }

# ---------------------------------------------------------------- external cluster
if [ -n "${KAFKA_BROKERS:-}" ]; then
  start=$(now_ms)
  IFS=', ' read -r -a brokers <<<"$KAFKA_BROKERS"
  log "KAFKA_BROKERS=$KAFKA_BROKERS is set: not starting a local broker, waiting for that cluster"
  while :; do
    for b in "${brokers[@]}"; do
      [ -n "$b" ] || continue
      hp="${b##*://}"
      if n=$(kafka_probe "${hp%:*}" "${hp##*:}"); then
        log "cluster answers at $hp ($n live broker(s), $(elapsed "$start"))"
        exit 0
      fi
    done
    if (( $(now_ms) - start > TIMEOUT * 1000 )); then
      die "no broker of KAFKA_BROKERS=$KAFKA_BROKERS answered a Kafka metadata request within ${TIMEOUT}s (the probe speaks PLAINTEXT only)"
    fi
    sleep 0.5
  done
fi

# ---------------------------------------------------------------- local broker
command -v java >/dev/null || die "java not found (Kafka 4.x needs Java 17+)"
mkdir -p "$CACHE" "$STATE"
# serialise concurrent starts (parallel test workers); fd 9 is closed for the broker itself
exec 9>"$STATE/start.lock"
flock -w "$((TIMEOUT + 30))" 9 || die "another kafka-start.sh holds $STATE/start.lock"

# Wait until the broker with pid $1 answers; $2 = start time. Prints log tail + fails on timeout/exit.
wait_ready() {
  local pid=$1 t0=$2 n
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "kafka-start: ERROR: broker (pid $pid) exited during startup; last log lines ($LOG):" >&2
      tail -n 40 "$LOG" >&2 || true
      rm -f "$PIDFILE"
      exit 1
    fi
    if grep -q "Kafka Server started" "$LOG" 2>/dev/null && n=$(kafka_probe "$HOST" "$PORT" 2); then
      return 0
    fi
    if (( $(now_ms) - t0 > TIMEOUT * 1000 )); then
      echo "kafka-start: ERROR: broker (pid $pid) not ready on $HOST:$PORT after ${TIMEOUT}s (KAFKA_START_TIMEOUT); last log lines ($LOG):" >&2
      tail -n 40 "$LOG" >&2 || true
      echo "kafka-start: stopping the unfinished broker" >&2
      KAFKA_STATE_DIR="$STATE" "$DIR/kafka-stop.sh" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
}

pid="$(cat "$PIDFILE" 2>/dev/null || true)"
if is_our_broker "$pid"; then
  if [ "$CLEAN" = 1 ]; then
    log "KAFKA_CLEAN=1: stopping the running broker (pid $pid) first"
    KAFKA_STATE_DIR="$STATE" "$DIR/kafka-stop.sh"
  else
    t0=$(now_ms)
    running_port="$(sed -n 's/^advertised.listeners=.*:\([0-9]*\)$/\1/p' "$PROPS" 2>/dev/null)"
    if [ -n "$running_port" ] && [ "$running_port" != "$PORT" ]; then
      log "note: the running broker listens on port $running_port, not KAFKA_PORT=$PORT (stop it to change ports)"
      PORT="$running_port"
    fi
    if ! kafka_probe "$HOST" "$PORT" 2 >/dev/null; then
      log "broker pid $pid is alive but not answering yet; waiting"
      wait_ready "$pid" "$t0"
    fi
    log "already running (pid $pid) on $HOST:$PORT"
    exit 0
  fi
elif [ -n "$pid" ]; then
  log "removing stale pid file (pid $pid is not running)"
  rm -f "$PIDFILE"
fi

# Someone else on our ports?
if port_open "$HOST" "$PORT"; then
  if n=$(kafka_probe "$HOST" "$PORT" 2); then
    [ "$CLEAN" = 1 ] && die "KAFKA_CLEAN=1, but the Kafka broker on $HOST:$PORT was not started by this script (no pid file); stop it yourself"
    log "a Kafka broker not started by this script already answers on $HOST:$PORT ($n broker(s)); using it"
    exit 0
  fi
  die "port $HOST:$PORT is in use by something that does not answer as Kafka ($(ss -ltnpH "sport = :$PORT" 2>/dev/null | grep -o 'users:.*' | head -1)); free it or set KAFKA_PORT"
fi
if port_open "$HOST" "$CPORT"; then
  die "controller port $HOST:$CPORT is in use ($(ss -ltnpH "sport = :$CPORT" 2>/dev/null | grep -o 'users:.*' | head -1)); free it or set KAFKA_CONTROLLER_PORT"
fi

t0=$(now_ms)

# ---- jars (re-resolved when pom.xml changes)
pom_sum="$(sha1sum "$DIR/pom.xml" | cut -c1-40)"
if [ ! -d "$LIB" ] || [ "$(cat "$CACHE/lib.sha1" 2>/dev/null)" != "$pom_sum" ]; then
  command -v mvn >/dev/null || die "mvn not found: it resolves the Kafka jars from Maven Central"
  log "resolving Kafka jars with Maven into $LIB"
  rm -rf "$LIB" "$CACHE/lib.sha1" "$CACHE"/cds
  # (Maven 3.8 prints stray ANSI resets even in batch mode: strip them)
  if ! mvn -q -B -Dstyle.color=never -f "$DIR/pom.xml" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g' >&2; then
    rm -rf "$LIB"
    die "mvn failed to resolve the Kafka jars (see errors above)"
  fi
  echo "$pom_sum" >"$CACHE/lib.sha1"
fi
ls "$LIB"/kafka_2.13-*.jar >/dev/null 2>&1 || die "no kafka_2.13 jar in $LIB; delete $CACHE and retry"
KAFKA_VERSION="$(basename "$(ls "$LIB"/kafka_2.13-*.jar | head -1)" .jar)"; KAFKA_VERSION="${KAFKA_VERSION#kafka_2.13-}"
CP="$LIB/*"

# ---- server.properties (regenerated each start; edit this script, not the file)
cat >"$PROPS" <<EOF
# Generated by docker/kafka/kafka-start.sh - do not edit (regenerated on each start).
# Single-node KRaft, combined broker + controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CPORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA

# The platform creates its topics through the admin API.
auto.create.topics.enable=false
num.partitions=12
default.replication.factor=1
min.insync.replicas=1
delete.topic.enable=true
group.initial.rebalance.delay.ms=0

# Internal topics: one replica; fewer partitions than the defaults (50) for a fast first group join.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=12
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=12

# Small machine (2 cores).
num.network.threads=2
num.io.threads=2
background.threads=4
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=8388608

# Dev box retention: one day or 1 GiB per partition, 64 MiB segments.
log.retention.hours=24
log.retention.bytes=1073741824
log.segment.bytes=67108864
log.retention.check.interval.ms=60000
EOF

# ---- storage
if [ "$CLEAN" = 1 ]; then
  log "KAFKA_CLEAN=1: wiping $DATA"
  rm -rf "$DATA"
fi
if [ ! -f "$DATA/meta.properties" ]; then
  cluster_id="$(java -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | head -1 | tr -d '[:space:]')"
  [ -n "$cluster_id" ] || die "kafka.tools.StorageTool random-uuid failed"
  if ! out="$(java -cp "$CP" kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" 2>&1)"; then
    echo "$out" | tail -n 20 >&2
    die "formatting $DATA failed"
  fi
  log "formatted $DATA (cluster id $cluster_id)"
fi

# ---- JVM flags: small heap, serial GC and C1 only start fastest on 2 cores.
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx640m}"
JVM_OPTS=(
  $HEAP_OPTS
  -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=64m
  -XX:+ExitOnOutOfMemoryError -XX:ErrorFile="$CACHE/hs_err_pid%p.log"
  -Djava.awt.headless=true
  -Dorg.slf4j.simpleLogger.showDateTime=true
  "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss,SSS"
  -Dorg.slf4j.simpleLogger.showShortLogName=true
)
# Class-data sharing: the first run dumps the loaded classes at (clean) exit; later runs map them,
# which cuts ~1 s of startup. A half-written archive would crash the JVM, so a new archive is only
# used after a -Xshare:on dry run accepted it.
if [ "${KAFKA_CDS:-1}" = 1 ]; then
  cds_key="$( { java -version 2>&1; ls "$LIB"; } | sha1sum | cut -c1-12)"
  CDS="$CACHE/cds/kafka-$cds_key.jsa"
  mkdir -p "$CACHE/cds"
  if [ ! -f "$CDS" ] && [ -f "$CDS.new" ]; then
    if ( java -Xshare:on -XX:SharedArchiveFile="$CDS.new" -XX:ErrorFile=/dev/null -Xlog:disable \
         -cp "$CP" -version ) >/dev/null 2>&1; then
      mv -f "$CDS.new" "$CDS"
    else
      rm -f "$CDS.new"
    fi
  fi
  find "$CACHE/cds" -type f ! -name "kafka-$cds_key.jsa" ! -name "kafka-$cds_key.jsa.new" -delete 2>/dev/null || true
  if [ -f "$CDS" ]; then
    JVM_OPTS+=(-XX:SharedArchiveFile="$CDS")
  else
    JVM_OPTS+=(-XX:ArchiveClassesAtExit="$CDS.new")
  fi
  JVM_OPTS+=(-Xlog:cds=off -Xlog:cds+dynamic=off)
fi
# shellcheck disable=SC2206
JVM_OPTS+=(${KAFKA_JVM_OPTS:-})

# ---- launch (own session, survives the calling shell)
[ -f "$LOG" ] && mv -f "$LOG" "$LOG.1"
cd "$STATE"
setsid nohup java "${JVM_OPTS[@]}" -cp "$CP" kafka.Kafka "$PROPS" >"$LOG" 2>&1 </dev/null 9>&- &
pid=$!
echo "$pid" >"$PIDFILE"
log "starting Kafka $KAFKA_VERSION (pid $pid) on $HOST:$PORT, controller $HOST:$CPORT; log $LOG"
wait_ready "$pid" "$t0"
log "Kafka $KAFKA_VERSION ready on $HOST:$PORT (pid $pid) - started in $(elapsed "$t0")"
