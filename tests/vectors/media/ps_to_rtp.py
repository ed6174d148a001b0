#!/usr/bin/env python3
"""Packetises an MPEG-2 program stream into RTP the way a GB28181 camera sends it (PS over RTP,
payload type 96, 90 kHz clock) and writes it as a pcap of UDP packets and as RFC 4571 frames.

Frames: ffmpeg's vob muxer writes 2048-byte packs, so a video frame does not start exactly at a pack.
A frame here is the run of packs from a pack whose video PES carries a PTS up to the next such pack;
its RTP timestamp is that PTS and its last RTP packet carries the marker bit. Receivers reassemble PS
as a byte stream, so the concatenated payloads are exactly the program stream ffmpeg wrote.

usage: ps_to_rtp.py input.ps output.pcap output.rfc4571
"""
import struct
import sys

PAYLOAD_TYPE = 96
SSRC = 200000001            # GB28181 SSRC "0200000001" (live, domain 00000, serial 0001)
FIRST_SEQUENCE = 64000      # close to the wrap so the capture crosses 65535 -> 0
MAX_PAYLOAD = 1400
SRC = (bytes([192, 168, 1, 64]), 15060)   # camera
DST = (bytes([192, 168, 1, 10]), 30000)   # gateway media port
SRC_MAC = bytes.fromhex("0012345678aa")
DST_MAC = bytes.fromhex("0012345678bb")
EPOCH = 1715926053          # 2024-05-17T06:07:33Z, fixed so the output is reproducible


def units(ps):
    """Yields (offset, stream_id, pts or None) for every pack header, system header and PES packet."""
    i = 0
    while i + 4 <= len(ps):
        if ps[i:i + 3] != b"\x00\x00\x01":
            raise ValueError(f"program stream out of sync at byte {i}")
        sid = ps[i + 3]
        if sid == 0xBA:                      # MPEG-2 pack header: 14 bytes + stuffing
            yield i, sid, None
            i += 14 + (ps[i + 13] & 7)
        elif sid == 0xB9:                    # program end code
            yield i, sid, None
            i += 4
        else:
            length = (ps[i + 4] << 8) | ps[i + 5]
            pts = None
            if 0xE0 <= sid <= 0xEF and ps[i + 7] & 0x80:
                p = ps[i + 9:i + 14]
                pts = (((p[0] >> 1) & 7) << 30) | (p[1] << 22) | ((p[2] >> 1) << 15) | (p[3] << 7) | (p[4] >> 1)
            yield i, sid, pts
            i += 6 + length
    if i != len(ps):
        raise ValueError("program stream ends inside a unit")


def frames(ps):
    """Splits the program stream into (pts, bytes) at the packs whose video PES starts a frame."""
    starts = []                              # (offset of pack header, pts)
    pack = None
    for off, sid, pts in units(ps):
        if sid == 0xBA:
            pack = off
        elif pts is not None and pack is not None:
            starts.append((pack, pts))
            pack = None
        elif sid != 0xBB:                    # anything but a system header ends the pack's lead-in
            pack = None
    if not starts or starts[0][0] != 0:
        raise ValueError("program stream does not start with a pack carrying a PTS")
    for n, (off, pts) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(ps)
        yield pts, ps[off:end]


def rtp_packets(ps):
    seq = FIRST_SEQUENCE
    first_pts = None
    for pts, data in frames(ps):
        if first_pts is None:
            first_pts = pts
        for start in range(0, len(data), MAX_PAYLOAD):
            chunk = data[start:start + MAX_PAYLOAD]
            marker = 0x80 if start + MAX_PAYLOAD >= len(data) else 0
            header = struct.pack("!BBHII", 0x80, marker | PAYLOAD_TYPE, seq & 0xFFFF, pts & 0xFFFFFFFF, SSRC)
            yield (pts - first_pts) / 90000.0, header + chunk
            seq += 1


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_frame(payload, ident):
    udp_len = 8 + len(payload)
    pseudo = SRC[0] + DST[0] + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", SRC[1], DST[1], udp_len, 0) + payload
    udp_sum = checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", udp_sum) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, ident & 0xFFFF, 0x4000, 64, 17, 0, SRC[0], DST[0])
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return DST_MAC + SRC_MAC + b"\x08\x00" + ip + udp


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        ps = f.read()
    packets = list(rtp_packets(ps))
    if b"".join(p[12:] for _, p in packets) != ps:
        raise AssertionError("payloads do not reassemble to the program stream")
    with open(sys.argv[2], "wb") as pcap:
        pcap.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))   # LINKTYPE_ETHERNET
        for n, (t, packet) in enumerate(packets):
            frame = udp_frame(packet, n + 1)
            usec = round(t * 1_000_000)
            pcap.write(struct.pack("<IIII", EPOCH + usec // 1_000_000, usec % 1_000_000, len(frame), len(frame)))
            pcap.write(frame)
    with open(sys.argv[3], "wb") as out:
        for _, packet in packets:
            out.write(struct.pack("!H", len(packet)) + packet)
    print(f"{len(packets)} RTP packets, {len(ps)} bytes of program stream", file=sys.stderr)


if __name__ == "__main__":
    main()
