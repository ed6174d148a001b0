#!/usr/bin/env bash
# Regenerates the PS-over-RTP capture used by the media tests (and, later, by sipp's play_pcap_video
# in the end-to-end tests):
#   ps-rtp.pcap    Ethernet/IPv4/UDP packets camera 192.168.1.64:15060 -> gateway 192.168.1.10:30000,
#                  pcap timestamps following the 90 kHz RTP clock (what play_pcap_video replays)
#   ps-rtp.rfc4571 the same RTP packets, each preceded by its 2-byte big-endian length (RFC 4571),
#                  which is what the tests read (and stream as-is over TCP)
# Content: 4 s of ffmpeg's testsrc (640x360, 25 fps), H.264 (libx264, baseline, one IDR per second),
# muxed by ffmpeg as MPEG-2 PS (-f vob), packetised by ps_to_rtp.py: PT 96, 90 kHz timestamps from
# the PES PTS, payloads <= 1400 bytes, marker on the last packet of each frame, SSRC 200000001
# (GB28181 "0200000001"). Needs ffmpeg with libx264 and python3; output is deterministic.
set -euo pipefail
cd "$(dirname "$0")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i testsrc=size=640x360:rate=25 -t 4 \
  -c:v libx264 -preset ultrafast -tune zerolatency -profile:v baseline -g 25 -b:v 500k \
  -pix_fmt yuv420p -threads 1 -fflags +bitexact -flags:v +bitexact \
  -f vob "$tmp/testsrc.ps"

python3 ps_to_rtp.py "$tmp/testsrc.ps" ps-rtp.pcap ps-rtp.rfc4571
ls -l ps-rtp.pcap ps-rtp.rfc4571
