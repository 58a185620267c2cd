#!/usr/bin/env bash
# Regenerates the browser tests' media fixtures (12 s, 320x180 H.264 + AAC, and an HLS rendition in 2 s segments).
# Run: apt-get install -y ffmpeg && tools/make-test-media.sh
set -euo pipefail
out="$(dirname "$0")/../server/src/test/resources/media"
mkdir -p "$out/hls"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=320x180:rate=25:duration=12" \
  -f lavfi -i "sine=frequency=440:duration=12" -c:v libx264 -profile:v baseline -pix_fmt yuv420p -preset veryfast \
  -b:v 120k -g 50 -keyint_min 50 -sc_threshold 0 -c:a aac -b:a 32k -ac 1 -movflags +faststart "$out/clip.mp4"
ffmpeg -hide_banner -loglevel error -y -i "$out/clip.mp4" -c copy -f hls -hls_time 2 -hls_playlist_type vod \
  -hls_segment_filename "$out/hls/seg%d.ts" "$out/hls/index.m3u8"
