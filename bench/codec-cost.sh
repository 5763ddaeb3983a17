#!/usr/bin/env bash
# Decode cost by codec, for DecodeCost.codecFactor: encodes 10 s of noisy testsrc2 at 1280x720, 30 fps, 2.5 Mbit/s
# as H.264 (constrained baseline), VP8, VP9, H.265 (libx265) and AV1 (libaom, decoded by libaom as Ingot does) with interop/ffmpeg, then decodes each to RGBA on one thread
# ROUNDS times and prints the CPU seconds (user + system) per run. See BENCHMARKS.md, "Decode cost by codec".
#
# Usage: bench/codec-cost.sh [ROUNDS] (default 3). Files go to bench/target/codec-cost/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ff="$root/interop/ffmpeg"
rounds="${1:-3}"
out="$root/bench/target/codec-cost"
mkdir -p "$out" && cd "$out"
src="testsrc2=size=1280x720:rate=30"
enc() { "$ff" -hide_banner -loglevel error -y -f lavfi -i "$src" -t 10 -vf noise=alls=8:allf=t -b:v 2.5M -g 60 -threads 2 "$@"; }
[ -f h264.mkv ] || enc -c:v libx264 -profile:v baseline -tune zerolatency -bf 0 h264.mkv
[ -f vp8.webm ] || enc -c:v libvpx -deadline realtime -cpu-used 8 vp8.webm
[ -f vp9.webm ] || enc -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -row-mt 1 vp9.webm
[ -f h265.mkv ] || enc -c:v libx265 -preset ultrafast -tune zerolatency -x265-params bframes=0:log-level=error h265.mkv
[ -f av1.mkv ] || enc -c:v libaom-av1 -usage realtime -cpu-used 8 -row-mt 1 av1.mkv
echo "file cpu_seconds (300 frames decoded to RGBA on one thread, process start included)"
for _ in $(seq "$rounds"); do
  for f in h264.mkv vp8.webm vp9.webm h265.mkv av1.mkv; do
    dec=(); [ "$f" = av1.mkv ] && dec=(-c:v libaom-av1)
    /usr/bin/time -f "$f %U %S" "$ff" -hide_banner -loglevel error -threads 1 "${dec[@]}" -i "$f" -filter_threads 1 \
      -pix_fmt rgba -f null - 2>&1 | tail -1 | awk '{printf "%s %.2f\n", $1, $2 + $3}'
  done
done
