#!/usr/bin/env bash
# Build the microbenchmarks with the reactor (this checkout's rtc and media, not jars from ~/.m2) and run them
# with JMH, then print the summary tables (dev.ingot.microbench.Report).
#
#   microbench/run.sh                        # both: PacketPathBenchmark, then DecodeBenchmark (~6 min)
#   microbench/run.sh PacketPathBenchmark    # JMH include patterns (regexps) pick benchmarks
#   MICROBENCH_NO_BUILD=1 microbench/run.sh  # skip the Maven build
#   MICROBENCH_QUICK=1 microbench/run.sh     # smoke test: 2 x 1 s per benchmark, no warmup; figures mean nothing
#
# DecodeBenchmark needs the FFmpeg CLI of .ci/install-deps (interop/ffmpeg); it makes its 720p test file once,
# in microbench/target/. For JMH's own options use the jar directly, e.g.
#   java -jar microbench/target/benchmarks.jar PacketPathBenchmark.fullPath -wi 5 -i 10 -prof gc
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bin/lib/common.sh"
find_jdk
cd "$ingot_root"
if [ -z "${MICROBENCH_NO_BUILD:-}" ]; then
  find_mvn
  echo "microbench: building (mvn install -DskipTests -pl microbench -am)…" >&2
  mvn -B -q -o install -DskipTests -pl microbench -am
fi
exec "$JAVA_HOME/bin/java" ${MICROBENCH_QUICK:+-Dmicrobench.quick=true} \
  -cp microbench/target/benchmarks.jar dev.ingot.microbench.Report "$@"
