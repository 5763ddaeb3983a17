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
