#!/usr/bin/env bash
# Runs the index benchmark once per corpus size on prefixes of one vectors file, so that real and synthetic
# RESULT lines line up by size (docs/BENCHMARKS.md). The first N records of a vectors file are its N-document
# subset; a corpus written in hash order (tools doc-corpus) makes every prefix a uniform sample.
#
#   scripts/bench-sizes.sh VECTORS QUERY_VECTORS NAME [SIZES] [-- harness options...]
#   scripts/bench-sizes.sh synthetic - synthetic 60000,120000 -- --no-lucene
#
# VECTORS 'synthetic' runs the generator instead (QUERY_VECTORS '-'). SIZES defaults to 60000,120000,250000,500000;
# a size beyond the file's records runs on the whole file. Each run's report goes to bench-NAME-SIZE.log in the
# current folder; the RESULT lines are printed at the end. Build first: mvn -B -pl benchmarks -am package.
set -euo pipefail
if [[ $# -lt 3 ]]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
vectors=$1 queries=$2 name=$3
shift 3
sizes=60000,120000,250000,500000
if [[ $# -gt 0 && $1 != -- ]]; then
  sizes=$1
  shift
fi
[[ $# -gt 0 && $1 == -- ]] && shift
jar="$(dirname "$0")/../benchmarks/target/benchmarks.jar"
data_args=()
if [[ $vectors != synthetic ]]; then
  data_args=(--vectors "$vectors" --data "$name")
  [[ $queries != - ]] && data_args+=(--query-vectors "$queries")
fi
results=()
for size in ${sizes//,/ }; do
  log="bench-$name-$size.log"
  echo "== $name docs=$size -> $log ($(uptime))" >&2
  # the Vector API kernel (ScoreKernels) needs the incubator module; without it the scalar loop runs. Huge pages, as
  # the index service runs (k8s, run-local.sh): the random forward-index reads miss the TLB far less
  java -Xmx12g --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -jar "$jar" --docs "$size" "${data_args[@]}" "$@" > "$log"
  results+=("$(grep '^RESULT ' "$log" | tail -1)")
done
printf '%s\n' "${results[@]}"
