# Shared by bin/ingot, bin/test and the other launchers: find a JDK >= 21 and build when needed.
# Sourced, not run.

ingot_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# java_major HOME -> prints the major version of the JDK at HOME (empty if none)
java_major() {
  local home="$1"
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  local v
  v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
  case "$v" in 1.*) v=${v#1.}; v=${v%%.*} ;; esac
  printf '%s' "${v%%.*}"
}

# find_jdk: sets JAVA_HOME to a JDK >= 21 or exits with a clear message.
find_jdk() {
  local candidates=() c m
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
  for c in /usr/lib/jvm/*; do [ -d "$c" ] && candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    m=$(java_major "$c")
    if [ -n "$m" ] && [ "$m" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$c"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "ingot: no JDK 21 or newer found." >&2
  echo "  Looked at JAVA_HOME (${JAVA_HOME:-unset}) and /usr/lib/jvm/*." >&2
  echo "  Install one (e.g. Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64) or point JAVA_HOME at it." >&2
  exit 3
}

find_mvn() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "ingot: Maven ('mvn') is not on PATH; install it (Debian: apt-get install -y maven)." >&2
    exit 3
  fi
}

# needs_build: true when the server's runtime class path is missing or older than any source or pom.
needs_build() {
  local stamp="$ingot_root/server/target/ingot-server.jar"
  [ -f "$stamp" ] && [ -d "$ingot_root/server/target/lib" ] || return 0
  [ -n "$(find "$ingot_root" -path "$ingot_root/.git" -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$stamp" -print -quit 2>/dev/null)" ]
}

build_if_needed() {
  if needs_build; then
    echo "ingot: building (mvn package, tests skipped)…" >&2
    (cd "$ingot_root" && mvn -q -B -DskipTests package) || { echo "ingot: build failed" >&2; exit 4; }
  fi
}

server_classpath() {
  printf '%s' "$ingot_root/server/target/ingot-server.jar:$ingot_root/server/target/lib/*"
}

# aot_supported: true when $JAVA_HOME can use an AOT cache made in one step (-XX:AOTCacheOutput, JDK 25+).
# INGOT_AOT=0 turns it off.
aot_supported() {
  [ "${INGOT_AOT:-1}" != 0 ] || return 1
  local m
  m=$(java_major "$JAVA_HOME")
  [ -n "$m" ] && [ "$m" -ge 25 ] 2>/dev/null
}

aot_cache_path() {
  printf '%s' "$ingot_root/server/target/ingot.aot"
}

# ensure_aot_cache CACHE CLASSPATH JVM_OPTS...: (re)makes the AOT cache with a training run
# (dev.ingot.server.TrainingRun) when it is missing, older than the server's jar or class path, or was made by
# another JDK or other JVM options. A failed training run leaves no cache: the server then runs without one.
ensure_aot_cache() {
  local aot="$1" cp="$2"
  shift 2
  local stamp="$aot.stamp" want
  want="$("$JAVA_HOME/bin/java" -version 2>&1 | head -1) | $JAVA_HOME | $*"
  if [ -f "$aot" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
     && [ -z "$(find "$ingot_root/server/target/ingot-server.jar" "$ingot_root/server/target/lib" -newer "$aot" -print -quit)" ]; then
    return 0
  fi
  rm -f "$aot" "$stamp"
  local tmp="$aot.$$.tmp" log="$ingot_root/server/target/aot-training.log" t0=$SECONDS
  echo "ingot: making the AOT cache (a training run, once per build; log: $log)…" >&2
  if timeout 600 "$JAVA_HOME/bin/java" "$@" -XX:AOTCacheOutput="$tmp" \
       -cp "$cp" dev.ingot.server.TrainingRun >"$log" 2>&1 && [ -f "$tmp" ]; then
    mv -f "$tmp" "$aot"
    printf '%s' "$want" >"$stamp"
    echo "ingot: AOT cache ready ($(( $(stat -c %s "$aot") / 1048576 )) MiB, $((SECONDS - t0)) s)" >&2
  else
    rm -f "$tmp" "$tmp.config"
    echo "ingot: the AOT training run failed (see $log); running without the cache" >&2
  fi
}
