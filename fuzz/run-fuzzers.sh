#!/usr/bin/env bash
# Really fuzzes Ingot's Jazzer targets (fuzz/src/test/java/dev/ingot/fuzz), one after the other, each for a
# bounded time, and fails if any of them finds a crash.
#
#   fuzz/run-fuzzers.sh [SECONDS_PER_TARGET] [Class#method ...]
#
# SECONDS_PER_TARGET defaults to 60; without targets, every target runs. Examples:
#   fuzz/run-fuzzers.sh                      # every target, 60 s each
#   fuzz/run-fuzzers.sh 600 StunFuzzTest#parse
#
# How: JAZZER_FUZZ=1 makes jazzer-junit fuzz the one @FuzzTest selected with -Dtest instead of replaying its
# inputs (it fuzzes only one per JVM). jazzer-junit 0.24 bounds a run by @FuzzTest(maxDuration), default 5 min;
# libFuzzer flags passed as the JUnit configuration parameters jazzer.internal.arg.N (system properties here) are
# appended last and win, so -max_total_time sets the time and -timeout the per-input limit (a hang finding).
#
# Output: each target's log in fuzz/target/fuzz-logs/<Class>#<method>.log. libFuzzer keeps the inputs it found
# interesting in fuzz/.cifuzz-corpus/ (git-ignored; later runs start from them). A finding is written as
# crash-<sha1> (or timeout-/oom-...) into fuzz/src/test/resources/dev/ingot/fuzz/<Class>Inputs/<method>/: commit it,
# and the normal build (bin/test) replays it as a regression test from then on.
#
# Environment: FUZZ_TIMEOUT_PER_INPUT (seconds, default 20) and MAVEN_ARGS (extra arguments for mvn).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../bin/lib/common.sh"
find_jdk
find_mvn
cd "$ingot_root"

seconds="${1:-60}"
if [ "$#" -gt 0 ]; then shift; fi
case "$seconds" in
  ''|*[!0-9]*) echo "usage: $0 [seconds-per-target] [Class#method ...]" >&2; exit 2 ;;
esac
per_input="${FUZZ_TIMEOUT_PER_INPUT:-20}"

all_targets=(
  SdpFuzzTest#offer
  SdpFuzzTest#trickleFragment
  StunFuzzTest#parse
  StunFuzzTest#iceLiteAgent
  SessionFuzzTest#handleDatagram
  SessionFuzzTest#publisherProgram
  DtlsFuzzTest#serverHandshake
  DtlsFuzzTest#clientHandshake
  RtpFuzzTest#wrap
  RtpFuzzTest#writerRoundTrip
  SrtpFuzzTest#unprotect
  RtcpFuzzTest#parseCompound
  ControlApiFuzzTest#registerBody
  DepacketizerFuzzTest#h264
  DepacketizerFuzzTest#vp8
  DepacketizerFuzzTest#vp9
  DepacketizerFuzzTest#h265
  DepacketizerFuzzTest#av1
  DepacketizerFuzzTest#opus
)
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

# Classes whose interesting code lives in a library get it instrumented too, for coverage feedback.
instrument_for() {
  case "$1" in
    DtlsFuzzTest#*) echo 'dev.ingot.**,org.bouncycastle.tls.**' ;;
    ControlApiFuzzTest#*) echo 'dev.ingot.**,com.fasterxml.jackson.core.**' ;;
    *) echo 'dev.ingot.**' ;;
  esac
}

logs="$ingot_root/fuzz/target/fuzz-logs"
inputs="$ingot_root/fuzz/src/test/resources/dev/ingot/fuzz"
mkdir -p "$logs"

findings_in() { # lists crash/timeout/oom files under a target's inputs directory
  [ -d "$1" ] || return 0
  find "$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) \
    2>/dev/null | sort
}

failed=()
summary=()
for target in "${targets[@]}"; do
  class="${target%%#*}"
  method="${target#*#}"
  log="$logs/$target.log"
  dir="$inputs/${class}Inputs/$method"
  before="$(findings_in "$dir")"
  echo "== $target: fuzzing for ${seconds}s (log: ${log#"$ingot_root"/})"
  start=$(date +%s)
  set +e
  # -am builds rtc/media/server from this checkout (their own tests are filtered out by -Dtest), so the targets
  # never run against stale jars in the local repository.
  JAZZER_FUZZ=1 mvn -o -B ${MAVEN_ARGS:-} -pl fuzz -am test \
    -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfuzz.instrument="$(instrument_for "$target")" \
    -Dfuzz.forkTimeout=$((seconds + 600)) \
    -Djazzer.internal.arg.0=ingot-fuzz \
    -Djazzer.internal.arg.1=-max_total_time="$seconds" \
    -Djazzer.internal.arg.2=-timeout="$per_input" \
    >"$log.mvn" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  report="$ingot_root/fuzz/target/surefire-reports/dev.ingot.fuzz.$class-output.txt"
  { cat "$log.mvn"; [ -f "$report" ] && { echo "---- test output ($report)"; cat "$report"; }; } >"$log"
  rm -f "$log.mvn"
  runs="$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $2}')"
  cov="$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)"
  new="$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$(findings_in "$dir")") | sed '/^$/d')"
  if [ "$rc" -ne 0 ] || [ -n "$new" ]; then
    failed+=("$target")
    summary+=("FAIL  $target  (${elapsed}s, ${runs:-?} runs, ${cov:-no coverage line}) $new")
    echo "   FAILED (exit $rc); see $log"
    [ -n "$new" ] && echo "   finding(s): $new"
  else
    summary+=("ok    $target  (${elapsed}s, ${runs:-?} runs, ${cov:-no coverage line})")
    echo "   ok: ${runs:-?} runs, ${cov:-?}"
  fi
done

echo
echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
