#!/usr/bin/env bash
# The whole pipeline on this machine, no Docker: build, a real KRaft Kafka broker on 127.0.0.1, the topics, the
# encoder, one index shard per partition, the query service, a real corpus ingested, then the search page.
# Needs Java 17+ and Maven only: no root, no network beyond Maven Central (the default corpus is in data/sample).
# Writes only below the clone (.local/, */target/) and Maven's cache (~/.m2): temporary files (Tomcat, ONNX
# Runtime's native libraries) go to .local/tmp, which every start empties, caches to .local/cache.
# Ctrl-C stops everything this script started. Run with --help for the options.
set -euo pipefail
set +m # no job control: every background child below is started with setsid and leads its own process group

usage() {
  cat <<'EOF'
usage: scripts/run-local.sh [--corpus sample|debian|FILE.jsonl] [--partitions N] [--replicas N] [--limit N]
                           [--monitoring] [--skip-build]

Builds the project, starts a Kafka broker (KRaft, 127.0.0.1, data in .local/kafka, wiped at every start), creates
the topics, starts encoder-service (:8081), index-services (:8082, :8083, ...; --replicas per partition), query-service
(:8080), ingests a corpus and prints the search page's address. Logs: .local/logs/. Ctrl-C stops it all.

  --corpus WHAT   what to ingest (default: sample):
                    sample  3,000 Debian package descriptions shipped in data/sample (no root, no network)
                    debian  all ~60k descriptions of this machine's apt sources, built into .local/corpus; the
                            first time it runs apt-get update into .local/apt-lists: needs a Debian/Ubuntu
                            machine, root and the network to its mirrors
                    FILE    a JSONL file, one {"id","text"[,"title"][,"fields":{..}]} per line
  --partitions N  partitions of documents / sparse-vectors = index shards (default 2)
  --replicas N    index-service processes per shard (default 1); the query service spreads queries over the
                  ready ones and fails over when one stops
  --limit N       ingest N documents (default 3000, ready in a few minutes on 2 cores: the encoder is
                  CPU-bound); 0 = all. With a FILE: the first N lines' documents; with the Debian corpus:
                  N documents spread evenly over it
  --monitoring    also start Prometheus (the prometheus command, e.g. Debian's prometheus package) on :9090
                  with monitoring/prometheus/prometheus.yml and alerts.yml scraping this run's services
  --skip-build    use the jars already in */target
Environment: JAVA_OPTS (each service's JVM options, default -Xmx1g), KAFKA_HEAP_OPTS (default -Xmx768m).
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LOCAL=$ROOT/.local
LOGS=$LOCAL/logs
VERSION=0.1.0-SNAPSHOT
TOOLS_JAR=tools/target/tools-$VERSION-exec.jar
QUERY_PORT=8080
ENCODER_PORT=8081
INDEX_BASE_PORT=8082
JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx768m}

corpus=sample
partitions=2
replicas=1
limit=3000
skip_build=0
monitoring=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --corpus) corpus=${2:?--corpus needs a file}; shift 2 ;;
    --corpus=*) corpus=${1#*=}; shift ;;
    --partitions) partitions=${2:?--partitions needs a number}; shift 2 ;;
    --partitions=*) partitions=${1#*=}; shift ;;
    --replicas) replicas=${2:?--replicas needs a number}; shift 2 ;;
    --replicas=*) replicas=${1#*=}; shift ;;
    --limit) limit=${2:?--limit needs a number}; shift 2 ;;
    --limit=*) limit=${1#*=}; shift ;;
    --skip-build) skip_build=1; shift ;;
    --monitoring) monitoring=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-local: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $partitions =~ ^[1-9][0-9]*$ ]] || { echo "run-local: --partitions must be a positive number, got $partitions" >&2; exit 2; }
[[ $replicas =~ ^[1-9][0-9]*$ ]] || { echo "run-local: --replicas must be a positive number, got $replicas" >&2; exit 2; }
[[ $limit =~ ^[0-9]+$ ]] || { echo "run-local: --limit must be a number, got $limit" >&2; exit 2; }
case $corpus in
  sample | debian) ;;
  *)
    [[ -r $corpus ]] || { echo "run-local: --corpus is sample, debian or a readable JSONL file, got $corpus" >&2; exit 2; }
    corpus=$(cd "$(dirname "$corpus")" && pwd)/$(basename "$corpus")
    ;;
esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'run-local: %s\n' "$*" >&2; exit 1; }

command -v java >/dev/null || die "java (17 or newer) is not on the PATH"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[[ ${java_major%%.*} -ge 17 ]] 2>/dev/null || die "java 17 or newer is needed, found ${java_major:-unknown}"
if [[ $corpus == debian && ! -s $LOCAL/corpus/docs.jsonl ]] && ! ls "$LOCAL"/apt-lists/*Translation-en* >/dev/null 2>&1; then
  # checked before the build: the Debian corpus needs apt's lists, and fetching them needs apt-get and root
  { command -v apt-get >/dev/null && [[ -x /usr/lib/apt/apt-helper ]]; } \
    || die "--corpus debian needs a Debian or Ubuntu machine (apt-get); use the default sample or --corpus FILE"
  [[ $(id -u) -eq 0 ]] || die "--corpus debian runs apt-get update into .local/apt-lists the first time, which needs root (sudo); use the default sample or --corpus FILE"
fi

# ---------------------------------------------------------------------------------------------- processes
# name -> pid (= process group id, via setsid); stopped in reverse start order
declare -a started_names=() started_pids=()
stopping=0

start() { # start NAME LOGFILE COMMAND...
  local name=$1 log=$2
  shift 2
  setsid "$@" >"$log" 2>&1 </dev/null &
  started_names+=("$name")
  started_pids+=("$!")
  disown "$!" # no job notices: cleanup() stops it by its process group
}

pid_of() {
  local i
  for i in "${!started_names[@]}"; do
    [[ ${started_names[$i]} == "$1" ]] && { echo "${started_pids[$i]}"; return; }
  done
}

alive() { kill -0 "$1" 2>/dev/null; }

# stop_groups SECONDS PID...: TERM to each process group, then KILL what is left after SECONDS
stop_groups() {
  local seconds=$1 pid i waited=0 left
  shift
  for pid in "$@"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  while ((waited < seconds * 2)); do
    left=0
    for pid in "$@"; do alive "$pid" && left=1; done
    ((left)) || return 0
    sleep 0.5
    waited=$((waited + 1))
  done
  for i in "${!started_pids[@]}"; do
    for pid in "$@"; do
      if [[ ${started_pids[$i]} == "$pid" ]] && alive "$pid"; then
        echo "run-local: ${started_names[$i]} (pid $pid) did not stop in $seconds s; killing it" >&2
        kill -KILL -- "-$pid" 2>/dev/null || true
      fi
    done
  done
}

cleanup() {
  local status=$?
  [[ $stopping -eq 1 ]] && return
  stopping=1
  trap - INT TERM
  if [[ ${#started_pids[@]} -gt 0 ]]; then
    echo
    say "stopping ${started_names[*]}"
    local i services=() kafka_pid=""
    for i in "${!started_names[@]}"; do
      if [[ ${started_names[$i]} == kafka ]]; then kafka_pid=${started_pids[$i]}; else services+=("${started_pids[$i]}"); fi
    done
    # the services first, together, while the broker still answers (the encoder finishes and commits the poll it
    # is encoding: up to 1024 documents, ~20-40 s on two cores; shards snapshot)
    [[ ${#services[@]} -eq 0 ]] || stop_groups 60 "${services[@]}"
    [[ -z $kafka_pid ]] || stop_groups 20 "$kafka_pid"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# HTTP GET of http://127.0.0.1:PORT/PATH: the body on stdout; fails unless the status is 200.
http_get() {
  local port=$1 path=$2
  if command -v curl >/dev/null; then
    curl -fsS --max-time 10 "http://127.0.0.1:$port$path" 2>/dev/null
  else
    # shellcheck disable=SC2016 # the inner script gets its values as arguments
    timeout 10 bash -c '
      exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$2" >&3
      IFS= read -r status <&3
      [[ $status == *" 200 "* ]] || exit 1
      while IFS= read -r line <&3 && [[ ${#line} -gt 1 ]]; do :; done # headers, up to the "\r" line
      cat <&3' _ "$port" "$path" 2>/dev/null
  fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() { # first free port at or above $1, not in the rest of the arguments
  local p=$1
  shift
  while ! port_free "$p" || [[ " $* " == *" $p "* ]]; do p=$((p + 1)); done
  echo "$p"
}

tail_log() { echo "--- last lines of $1:" >&2; tail -n 25 "$1" >&2 || true; }

# wait_ready NAME PORT TIMEOUT: until GET /actuator/health/readiness answers 200
wait_ready() {
  local name=$1 port=$2 timeout=$3 pid waited=0
  pid=$(pid_of "$name")
  until http_get "$port" /actuator/health/readiness >/dev/null; do
    alive "$pid" || { tail_log "$LOGS/$name.log"; die "$name exited before it was ready (log: $LOGS/$name.log)"; }
    [[ $waited -lt $timeout ]] || { tail_log "$LOGS/$name.log"; die "$name not ready after $timeout s (log: $LOGS/$name.log)"; }
    sleep 1
    waited=$((waited + 1))
  done
  echo "    $name ready on :$port"
}

urlencode() { # bytewise, so UTF-8 text is percent-encoded per byte
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [a-zA-Z0-9.~_-]) out+=$c ;;
      ' ') out+=+ ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  echo "$out"
}

# ------------------------------------------------------------------------------------------------- build
mkdir -p "$LOGS"
# instance i serves partition i / replicas; index_names/index_ports list every instance, primary_ports one per shard
index_ports=() index_names=() primary_ports=()
for ((p = 0; p < partitions; p++)); do
  for ((r = 0; r < replicas; r++)); do
    index_ports+=($((INDEX_BASE_PORT + p * replicas + r)))
    if [[ $r -eq 0 ]]; then index_names+=("index-service-$p"); else index_names+=("index-service-$p-replica-$r"); fi
  done
  primary_ports+=($((INDEX_BASE_PORT + p * replicas)))
done
for port in $QUERY_PORT $ENCODER_PORT "${index_ports[@]}"; do
  port_free "$port" || die "port $port is in use (another run still going? see .local/logs); stop it first"
done

if [[ $skip_build -eq 0 ]]; then
  command -v mvn >/dev/null || die "mvn (Maven 3.8+) is not on the PATH (or use --skip-build with built jars)"
  say "building (mvn -B -DskipTests package; a cold Maven cache first downloads ~300 MB; log: $LOGS/build.log)"
  start_build=$SECONDS
  if ! mvn -B -ntp -DskipTests package 2>&1 | tee "$LOGS/build.log" \
      | grep --line-buffered -E '^\[INFO\] Building .*\[[0-9]+/[0-9]+\]$|BUILD (SUCCESS|FAILURE)|^\[ERROR\]' \
      | sed -u -E 's/^\[INFO\] Building ([^ ]+) [^ ]+ +\[([0-9]+\/[0-9]+)\]$/    [\2] \1/'; then
    die "build failed; see $LOGS/build.log"
  fi
  echo "    built in $((SECONDS - start_build)) s"
fi
for jar in $TOOLS_JAR encoder-service/target/encoder-service-$VERSION-exec.jar \
    index-service/target/index-service-$VERSION-exec.jar query-service/target/query-service-$VERSION-exec.jar; do
  [[ -f $jar ]] || die "missing $jar: run without --skip-build"
done
if [[ ! -s local-kafka/target/classpath.txt ]]; then
  mvn -B -q -ntp -pl local-kafka package >>"$LOGS/build.log" 2>&1 || die "cannot resolve the broker's classpath; see $LOGS/build.log"
fi

# ------------------------------------------------------------------------------------------------ broker
say "starting Kafka (KRaft, one node; log: $LOGS/kafka.log)"
rm -rf "$LOCAL/kafka" "$LOCAL"/index-* "$LOCAL/tmp"
mkdir -p "$LOCAL/kafka/data" "$LOCAL/tmp"
# temporary files of every JVM below (Java's java.io.tmpdir; ONNX Runtime's native code reads TMPDIR) and the
# caches ONNX Runtime and JNA would keep in ~/.cache
export TMPDIR=$LOCAL/tmp XDG_CACHE_HOME=$LOCAL/cache
TMP_OPT=-Djava.io.tmpdir=$LOCAL/tmp
kafka_port=$(free_port 9092 $QUERY_PORT $ENCODER_PORT "${index_ports[@]}")
controller_port=$(free_port $((kafka_port + 1)) $QUERY_PORT $ENCODER_PORT "${index_ports[@]}" "$kafka_port")
BOOTSTRAP=127.0.0.1:$kafka_port
cat >"$LOCAL/kafka/server.properties" <<EOF
# written by scripts/run-local.sh: one combined broker + controller on loopback, nothing replicated
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
log.dirs=$LOCAL/kafka/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.cleaner.min.compaction.lag.ms=0
EOF
KAFKA_CP=$(cat local-kafka/target/classpath.txt)
# shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is a list of options
KAFKA_JAVA=(java $KAFKA_HEAP_OPTS "$TMP_OPT" "-Dlogback.configurationFile=$ROOT/local-kafka/logback.xml" -cp "$KAFKA_CP")
cluster_id=$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid 2>"$LOGS/kafka-format.log")
"${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --standalone --cluster-id "$cluster_id" \
  --config "$LOCAL/kafka/server.properties" >>"$LOGS/kafka-format.log" 2>&1 \
  || { tail_log "$LOGS/kafka-format.log"; die "formatting the broker's storage failed"; }
start kafka "$LOGS/kafka.log" "${KAFKA_JAVA[@]}" kafka.Kafka "$LOCAL/kafka/server.properties"

waited=0
while port_free "$kafka_port"; do # until the broker listens
  alive "$(pid_of kafka)" || { tail_log "$LOGS/kafka.log"; die "Kafka exited at start (log: $LOGS/kafka.log)"; }
  [[ $waited -lt 120 ]] || { tail_log "$LOGS/kafka.log"; die "Kafka does not listen on $kafka_port after 60 s"; }
  sleep 0.5
  waited=$((waited + 1))
done
say "creating topics (documents and sparse-vectors: compacted, $partitions partition(s) each; documents.DLT, sparse-vectors.DLT)"
if ! java -jar $TOOLS_JAR create-topics --bootstrap-servers "$BOOTSTRAP" --partitions "$partitions" \
    --timeout-seconds 90 | sed 's/^/    /'; then
  alive "$(pid_of kafka)" || tail_log "$LOGS/kafka.log"
  die "cannot create the topics at $BOOTSTRAP"
fi
echo "    Kafka answers at $BOOTSTRAP"

# ---------------------------------------------------------------------------------------------- services
say "starting encoder-service, ${#index_ports[@]} index-service(s) ($partitions shard(s) x $replicas), query-service (logs: $LOGS/)"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
start encoder-service "$LOGS/encoder-service.log" java $JAVA_OPTS "$TMP_OPT" \
  -jar encoder-service/target/encoder-service-$VERSION-exec.jar \
  --server.port=$ENCODER_PORT --spring.kafka.bootstrap-servers="$BOOTSTRAP"
index_urls=""
for i in "${!index_ports[@]}"; do
  port=${index_ports[$i]} name=${index_names[$i]}
  # shellcheck disable=SC2086 # the Vector API scoring kernel needs the incubator module (scalar loop without it);
  # huge pages cut the TLB misses of the index's random reads (docs/BENCHMARKS.md)
  start "$name" "$LOGS/$name.log" java $JAVA_OPTS "$TMP_OPT" --add-modules jdk.incubator.vector \
    -XX:+UseTransparentHugePages -jar index-service/target/index-service-$VERSION-exec.jar \
    --server.port="$port" --spring.kafka.bootstrap-servers="$BOOTSTRAP" \
    --streamsparse.index.partitions="$((i / replicas))" --streamsparse.index.snapshot-dir="$LOCAL/$name"
  index_urls+=${index_urls:+,}http://127.0.0.1:$port
done
# the query service reads the shard count from the broker (partitions of sparse-vectors)
# shellcheck disable=SC2086
start query-service "$LOGS/query-service.log" java $JAVA_OPTS "$TMP_OPT" \
  -jar query-service/target/query-service-$VERSION-exec.jar \
  --server.port=$QUERY_PORT --spring.kafka.bootstrap-servers="$BOOTSTRAP" --streamsparse.query.index-urls="$index_urls"

wait_ready encoder-service $ENCODER_PORT 300
for i in "${!index_ports[@]}"; do wait_ready "${index_names[$i]}" "${index_ports[$i]}" 300; done
wait_ready query-service $QUERY_PORT 300

# ------------------------------------------------------------------------------------------------ monitoring
prometheus_url=""
if [[ $monitoring -eq 1 ]]; then
  if command -v prometheus >/dev/null; then
    # the repository's config and rules as they are; only the targets (file discovery) are this run's
    prom_dir=$LOCAL/prometheus
    rm -rf "$prom_dir"
    mkdir -p "$prom_dir/targets"
    cp monitoring/prometheus/prometheus.yml monitoring/prometheus/alerts.yml "$prom_dir/"
    echo '[]' >"$prom_dir/targets/alertmanager.json"
    echo "[{\"targets\": [\"127.0.0.1:$ENCODER_PORT\"]}]" >"$prom_dir/targets/encoder-service.json"
    echo "[{\"targets\": [\"127.0.0.1:$QUERY_PORT\"]}]" >"$prom_dir/targets/query-service.json"
    index_targets=""
    for port in "${index_ports[@]}"; do index_targets+=${index_targets:+, }\"127.0.0.1:$port\"; done
    echo "[{\"targets\": [$index_targets]}]" >"$prom_dir/targets/index-service.json"
    prom_port=$(free_port 9090 $QUERY_PORT $ENCODER_PORT "${index_ports[@]}" "$kafka_port" "$controller_port")
    start prometheus "$LOGS/prometheus.log" prometheus --config.file="$prom_dir/prometheus.yml" \
      --storage.tsdb.path="$prom_dir/data" --web.listen-address="127.0.0.1:$prom_port"
    waited=0
    until http_get "$prom_port" /-/ready >/dev/null; do
      alive "$(pid_of prometheus)" || { tail_log "$LOGS/prometheus.log"; die "Prometheus exited at start (log: $LOGS/prometheus.log)"; }
      [[ $waited -lt 60 ]] || die "Prometheus not ready after 60 s (log: $LOGS/prometheus.log)"
      sleep 1
      waited=$((waited + 1))
    done
    prometheus_url=http://127.0.0.1:$prom_port/
    echo "    Prometheus ready on :$prom_port (scraping :$ENCODER_PORT, ${index_ports[*]/#/:}, :$QUERY_PORT)"
  else
    echo "    --monitoring: no prometheus command on the PATH (Debian/Ubuntu: apt-get install prometheus); continuing without" >&2
  fi
fi

# ------------------------------------------------------------------------------------------------ corpus
if [[ $corpus == sample ]]; then
  mkdir -p "$LOCAL/sample"
  gzip -dc data/sample/docs.jsonl.gz >"$LOCAL/sample/docs.jsonl" || die "cannot unpack data/sample/docs.jsonl.gz"
  input=$LOCAL/sample/docs.jsonl
elif [[ $corpus == debian ]]; then
  if [[ ! -s $LOCAL/corpus/docs.jsonl ]]; then
    say "building the Debian package-description corpus (log: $LOGS/debian-corpus.log)"
    split_dir=$ROOT/data/debian-split # the repository's fixed split (docs/ARCHITECTURE.md)
    rm -rf "$LOCAL/corpus.tmp"
    if ! java -jar $TOOLS_JAR debian-corpus --lists-dir "$LOCAL/apt-lists" --out "$LOCAL/corpus.tmp" \
        --split-dir "$split_dir" >"$LOGS/debian-corpus.log" 2>&1; then
      tail_log "$LOGS/debian-corpus.log"
      die "cannot build the Debian corpus (it runs apt-get update into .local/apt-lists: needs root and the network); use the default sample or --corpus FILE instead"
    fi
    rm -rf "$LOCAL/corpus"
    mv "$LOCAL/corpus.tmp" "$LOCAL/corpus"
    sed 's/^/    /' "$LOGS/debian-corpus.log" | tail -n 1
  fi
  input=$LOCAL/corpus/docs.jsonl
  total=$(wc -l <"$input")
  if [[ $limit -gt 0 && $total -gt $limit ]]; then
    # an even spread over the corpus (sorted by package name), not just the packages starting with "a"
    awk -v n="$total" -v k="$limit" 'int((NR - 1) * k / n) != int(NR * k / n)' "$input" >"$LOCAL/corpus/sample.jsonl"
    input=$LOCAL/corpus/sample.jsonl
  fi
else
  input=$corpus
fi

# ------------------------------------------------------------------------------------------------ ingest
if [[ $limit -gt 0 ]]; then say "ingesting $input (at most $limit documents)"; else say "ingesting $input"; fi
ingest_args=(--bootstrap-servers "$BOOTSTRAP" --file "$input" --rejects "$LOGS/rejects.jsonl")
[[ $limit -gt 0 ]] && ingest_args+=(--limit "$limit")
summary=$(java -jar $TOOLS_JAR ingest "${ingest_args[@]}") || die "ingest failed: $summary"
echo "    $summary"
sent=$(sed -n 's/^sent=\([0-9]*\) .*/\1/p' <<<"$summary")
[[ ${sent:-0} -gt 0 ]] || die "no document was sent (rejects: $LOGS/rejects.jsonl)"

# --------------------------------------------------------------------------------------- until searchable
indexed_docs() { # sum of "docs" over every shard (first replica of each)
  local sum=0 p n
  for ((p = 0; p < partitions; p++)); do
    for n in $(http_get "${primary_ports[$p]}" /v1/shards | grep -oE '"(docs|documents)":[0-9]+' | cut -d: -f2); do
      sum=$((sum + n))
    done
  done
  echo "$sum"
}

check_alive() {
  local i
  for i in "${!started_names[@]}"; do
    if ! alive "${started_pids[$i]}"; then
      tail_log "$LOGS/${started_names[$i]}.log"
      die "${started_names[$i]} stopped (log: $LOGS/${started_names[$i]}.log)"
    fi
  done
}

# a query made of the first words of the first ingested document
first_text=$(head -n 1 "$input" | sed -n 's/.*"text" *: *"\([^"\\]*\).*/\1/p' | tr -s '[:space:]' ' ' | cut -d' ' -f1-6)
query=$(urlencode "${first_text:-the}")
say "waiting until a search has hits (the encoder works through $sent documents)"
waited=0
until http_get $QUERY_PORT "/v1/search?q=$query&k=3" | grep -q '"id"'; do
  check_alive
  if ((waited % 10 == 0)); then echo "    indexed $(indexed_docs) of $sent documents"; fi
  sleep 1
  waited=$((waited + 1))
done

echo
say "Search page: http://127.0.0.1:$QUERY_PORT/"
echo "    API: http://127.0.0.1:$QUERY_PORT/v1/search?q=$query&k=10"
[[ -z $prometheus_url ]] || echo "    Prometheus: $prometheus_url (alerts: ${prometheus_url}alerts; dashboards: monitoring/README.md)"
echo "    Kafka: $BOOTSTRAP   logs: $LOGS/   Ctrl-C stops everything"

# keep reporting until every document is indexed, then just watch the processes
last=-1
while true; do
  check_alive
  if [[ $last -lt $sent ]]; then
    n=$(indexed_docs)
    if [[ $n -ne $last ]]; then
      if [[ $n -ge $sent ]]; then echo "    all $sent documents indexed"; else echo "    indexed $n of $sent documents"; fi
      last=$n
    fi
  fi
  sleep 10
done
