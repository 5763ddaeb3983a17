#!/usr/bin/env bash
# How long Ingot's DTLS handshakes take with real publishers: starts Ingot (bin/ingot), publishes N short
# sessions with each publisher one after the other, and prints the figures of Ingot's own log lines
# `input=<id> DTLS done as <ROLE> in <N> ms` (counted from ICE connected to keys exported), after one warm-up
# session per publisher. The same lines say when the publisher's first DTLS datagram came: when Ingot is the
# server, the time before it is the publisher's (its ICE nomination), not the handshake's.
#
#   interop/dtls-timing.sh [RUNS] [PUBLISHER...]
#     RUNS        sessions per publisher (default 12)
#     PUBLISHER   ffmpeg (Ingot is the DTLS client), ffmpeg-active (Ingot is the server),
#                 chromium, gstreamer (both: Ingot is the server); default: all four
#
# FFmpeg publishes on 127.0.0.1; Chromium and GStreamer run in a network namespace (rtxdtls,
# 169.254.82.1/30 host side, .2 inside) so that their checks come from one interface. Needs root
# (for the namespace) and what .ci/install-deps installs. Ports: INGOT_TIMING_API_PORT (18281) and
# INGOT_TIMING_WHIP_PORT (18282). Ingot's log stays in server/target/dtls-timing.log.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-12}"
[ $# -gt 0 ] && shift
publishers=("$@")
[ ${#publishers[@]} -eq 0 ] && publishers=(ffmpeg ffmpeg-active chromium gstreamer)
api="${INGOT_TIMING_API_PORT:-18281}"
whip="${INGOT_TIMING_WHIP_PORT:-18282}"
ns=rtxdtls host=169.254.82.1 inside=169.254.82.2
log="$root/server/target/dtls-timing.log"
mkdir -p "$root/server/target"

bash interop/netns.sh up "$ns" "$host/30" "$inside/30" >/dev/null
SMELTER_API_PORT="$api" SMELTER_WHIP_WHEP_SERVER_PORT="$whip" INGOT_BIND_ADDRESS=0.0.0.0 \
  SMELTER_WEBRTC_1_TO_1_NAT_IPS="127.0.0.1,$host" SMELTER_WEBRTC_STUN_SERVERS= \
  bin/ingot >"$log" 2>&1 &
ingot=$!
cleanup() {
  kill "$ingot" 2>/dev/null || true
  wait "$ingot" 2>/dev/null || true
  bash interop/netns.sh down "$ns" >/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$api/status" >/dev/null 2>&1 && break
  kill -0 "$ingot" 2>/dev/null || { echo "dtls-timing: Ingot did not start; see $log" >&2; exit 1; }
  sleep 0.1
done

register() { # id -> bearer token
  curl -fs -X POST -H 'Content-Type: application/json' -d '{"type":"whip_server"}' \
    "http://127.0.0.1:$api/api/input/$1/register" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bearer_token"])'
}
unregister() {
  curl -fs -X POST -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$api/api/input/$1/unregister" >/dev/null || true
}

for pub in "${publishers[@]}"; do
  # run 0 warms the JVM up (Bouncy Castle's first handshakes run interpreted) and is not counted
  for i in $(seq 0 "$runs"); do
    id="timing-$pub-$i"
    token="$(register "$id")"
    case "$pub" in
      ffmpeg) timeout 30 interop/ffmpeg-whip.sh "http://127.0.0.1:$whip/whip/$id" "$token" 2 >/dev/null 2>&1 || true ;;
      ffmpeg-active) timeout 30 interop/ffmpeg-whip.sh "http://127.0.0.1:$whip/whip/$id" "$token" 2 \
          -whip_flags dtls_active >/dev/null 2>&1 || true ;;
      chromium) timeout 60 ip netns exec "$ns" node interop/chromium-whip.mjs "http://$host:$whip/whip/$id" "$token" \
          --duration 1 --codec h264 >/dev/null 2>&1 || true ;;
      gstreamer) timeout 60 ip netns exec "$ns" /usr/bin/python3 interop/gst-whip.py "http://$host:$whip/whip/$id" "$token" \
          --duration 1 --codec h264 >/dev/null 2>&1 || true ;;
      *) echo "dtls-timing: unknown publisher $pub" >&2; exit 64 ;;
    esac
    unregister "$id"
  done
  # per publisher: sorted times from ICE connected, then the handshake itself (as server: from the publisher's
  # first DTLS datagram; as client we send first, at ICE connected)
  sed -nE "s/.*input=timing-$pub-[1-9][0-9]* DTLS done as ([A-Z]+) in ([0-9]+) ms(.*first datagram from the publisher after ([0-9]+) ms)?.*/\1 \2 \4/p" "$log" \
    | awk -v pub="$pub" -v runs="$runs" '
      function stats(a, n, label,   i, j, x, s) {
        for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { x=a[i]; a[i]=a[j]; a[j]=x }
        s = ""; for (i = 0; i < n; i++) s = s " " a[i]
        printf "%-14s %-22s min %4d  p50 %4d  p90 %4d  max %4d ms  |%s\n", pub, label, a[0], a[int((n - 1) / 2)],
          a[int(0.9 * (n - 1))], a[n - 1], s }
      BEGIN { n = 0 }
      { role = $1; t[n] = $2; h[n] = role == "SERVER" && NF > 2 ? $2 - $3 : $2; n++ }
      END {
        if (n == 0) { printf "%-14s no handshake completed (of %d)\n", pub, runs; exit }
        printf "%-14s Ingot as %s, %d of %d done\n", pub, role, n, runs
        stats(t, n, "from ICE connected")
        stats(h, n, "handshake itself") }'
done
