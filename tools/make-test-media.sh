#!/usr/bin/env bash
# Regenerates the browser tests' media fixtures (12 s, 320x180 H.264 + AAC, an HLS rendition in 2 s MPEG-TS segments, and
# the same as CMAF with a DASH manifest and HLS playlists).
# Run: apt-get install -y ffmpeg && tools/make-test-media.sh
set -euo pipefail
out="$(dirname "$0")/../server/src/test/resources/media"
mkdir -p "$out/hls"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=320x180:rate=25:duration=12" \
  -f lavfi -i "sine=frequency=440:duration=12" -c:v libx264 -profile:v baseline -pix_fmt yuv420p -preset veryfast \
  -b:v 120k -g 50 -keyint_min 50 -sc_threshold 0 -c:a aac -b:a 32k -ac 1 -movflags +faststart "$out/clip.mp4"
ffmpeg -hide_banner -loglevel error -y -i "$out/clip.mp4" -c copy -f hls -hls_time 2 -hls_playlist_type vod \
  -hls_segment_filename "$out/hls/seg%d.ts" "$out/hls/index.m3u8"
# The same clip as CMAF (fMP4, 2 s segments, video and audio apart) with a DASH manifest and HLS playlists over the
# same segments: what the CMCD browser test plays with dash.js (DASH) and Shaka Player (HLS).
rm -rf "$out/cmaf"
mkdir -p "$out/cmaf"
ffmpeg -hide_banner -loglevel error -y -i "$out/clip.mp4" -map 0:v -map 0:a -c copy -f dash -seg_duration 2 \
  -use_template 1 -use_timeline 0 -hls_playlist 1 -adaptation_sets "id=0,streams=v id=1,streams=a" \
  -init_seg_name 'init-$RepresentationID$.m4s' -media_seg_name 'chunk-$RepresentationID$-$Number%05d$.m4s' \
  "$out/cmaf/manifest.mpd"
