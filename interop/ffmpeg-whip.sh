#!/usr/bin/env bash
# Publish a test pattern (testsrc2 720p30, H264 constrained baseline, no B-frames)
# and a 440 Hz sine (Opus 48 kHz stereo) to a WHIP endpoint with FFmpeg 8.1's whip muxer.
#
# Usage: interop/ffmpeg-whip.sh URL TOKEN [DURATION_S] [extra ffmpeg output options...]
#   DURATION_S: stop after that many seconds (default: run until killed; 0 also means that).
#   TOKEN may be empty ('') for no Authorization header.
# Extra options go before '-f whip', e.g. -whip_flags dtls_active, -handshake_timeout 10000.
# INGOT_FFMPEG_VIDEO_SOURCE replaces the lavfi video source (default testsrc2=size=1280x720:rate=30).
#
# Exit status: FFmpeg's (non-zero on an HTTP error: FFmpeg logs the status and the
# response body). One-line status: 'ffmpeg-whip: start ...' / 'ffmpeg-whip: end rc=N'.
# FFmpeg's own log goes to stderr at level 'info' (INGOT_FFMPEG_LOGLEVEL to change).
#
# Quirks of the whip muxer (see interop/README.md): the offer is a=setup:passive (the
# server must be the DTLS client) unless -whip_flags dtls_active; the offer holds no
# ICE candidates; it connects to the first UDP candidate of the answer; audio is the
# first m-section; H264 with RTX (a=ssrc-group:FID).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 2 ]; then
  echo "usage: $0 URL TOKEN [DURATION_S] [extra ffmpeg output options...]" >&2
  exit 64
fi
url="$1"; token="$2"; duration="${3:-0}"
shift 2; [ $# -gt 0 ] && shift
dur=(); [ "$duration" != 0 ] && dur=(-t "$duration")
auth=(); [ -n "$token" ] && auth=(-authorization "$token")

echo "ffmpeg-whip: start url=$url duration=${duration}s" >&2
"$here/ffmpeg" -hide_banner -nostdin -loglevel "${INGOT_FFMPEG_LOGLEVEL:-info}" \
  -re -f lavfi -i "${INGOT_FFMPEG_VIDEO_SOURCE:-testsrc2=size=1280x720:rate=30}" \
  -re -f lavfi -i sine=frequency=440:sample_rate=48000 \
  -c:v libx264 -profile:v baseline -pix_fmt yuv420p -bf 0 -g 30 -tune zerolatency -preset ultrafast -b:v 2M \
  -c:a libopus -ar 48000 -ac 2 -b:a 64k \
  "${dur[@]}" "$@" "${auth[@]}" -f whip "$url" \
  2> >(while IFS= read -r line; do
         printf '%s\n' "$line" >&2
         # the muxer logs this at info level once ICE, DTLS and SRTP are up
         case "$line" in *"Muxer state="*) echo "ffmpeg-whip: connected" >&2 ;; esac
       done) &
pid=$!
# SIGINT/SIGTERM: let FFmpeg end cleanly (it sends the WHIP DELETE in its deinit). FFmpeg
# does not look at SIGINT while in its ICE/DTLS handshake (it runs to -handshake_timeout),
# so kill it hard if it has not ended after a grace period.
stop() {
  kill -INT $pid 2>/dev/null
  ( sleep "${INGOT_FFMPEG_GRACE_S:-5}"; kill -KILL $pid 2>/dev/null ) &
}
trap stop INT TERM
wait $pid; rc=$?
# wait again if the trap interrupted the first wait
while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done
sleep 0.1 # let the log filter drain
echo "ffmpeg-whip: end rc=$rc" >&2
exit $rc
