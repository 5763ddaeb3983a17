#!/usr/bin/env bash
# Re-capture the real publishers' SDP offers into rtc/src/test/resources/offers/.
# Each publisher posts to interop/capture-offer.py on 127.0.0.1, which saves the offer and
# answers 503, so no media flows and nothing else is contacted.
#   interop/capture-offers.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../rtc/src/test/resources/offers}"
mkdir -p "$out"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

# capture NAME CMD... : runs CMD... URL TOKEN against a fresh capture server; saves NAME.sdp
# ONLY=regex limits which offers are captured (e.g. ONLY=gstreamer).
capture() {
  local name="$1"; shift
  [[ "$name" =~ ${ONLY:-.} ]] || return 0
  local log="$tmp/$name.url"
  python3 "$here/capture-offer.py" --out "$out/$name.sdp" --timeout 60 >"$log" 2>"$tmp/$name.err" &
  local cpid=$!
  for _ in $(seq 100); do [ -s "$log" ] && break; sleep 0.1; done
  local url; url="$(awk '{print $3}' "$log")"
  # the publisher is expected to fail (HTTP 503): ignore its exit status
  "$@" "$url" capture-token >"$tmp/$name.pub" 2>&1 || true
  if wait "$cpid"; then
    echo "captured $name.sdp ($(wc -c <"$out/$name.sdp") bytes)"
  else
    echo "FAILED $name (publisher output follows)" >&2; cat "$tmp/$name.pub" >&2; return 1
  fi
}

chromium() { node "$here/chromium-whip.mjs" "$2" "$3" ${1:+--codec "$1"}; }
gst() { local c="$1"; shift; /usr/bin/python3 "$here/gst-whip.py" "${@: -2}" --codec "$c" "${@:1:$#-2}"; }

capture chromium-default chromium ''
capture chromium-h264 chromium h264
capture chromium-vp8 chromium vp8
capture chromium-vp9 chromium vp9
capture chromium-av1 chromium av1
capture gstreamer-h264 gst h264
capture gstreamer-vp8 gst vp8
capture gstreamer-vp9 gst vp9
capture gstreamer-h265 gst h265
capture gstreamer-h265-nack gst h265 --nack
capture gstreamer-h264-nack gst h264 --nack
capture ffmpeg-h264 "$here/ffmpeg-whip.sh"
