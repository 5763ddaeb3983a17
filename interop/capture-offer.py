#!/usr/bin/env python3
"""Capture the SDP offer a real WHIP publisher sends.

A tiny WHIP look-alike (by default on 127.0.0.1): it answers the CORS preflight
(OPTIONS) permissively, saves the body of the first POST (the SDP offer) to --out,
and answers that POST with --status (default 503, so the publisher gives up and
exits). It prints one line on stdout when listening:

    capture: listening http://127.0.0.1:PORT/whip/capture

and one line per request on stderr (method, path, Content-Type, whether an
Authorization: Bearer header came). It exits after the first POST (exit 0), or
after --timeout seconds without one (exit 2). Standard library only; any python3.

--dry-answer: a self-test of the publisher scripts' answer path, not a WHIP server.
Instead of 503 it answers 201 with a Location and an SDP answer built from the offer
(first H264/VP8/VP9/Opus payload type of each section, ice-lite, a made-up DTLS
fingerprint, setup active or passive as the offer allows) whose only candidate is a
UDP socket on --host that never replies. The publisher then applies the answer and
sends ICE connectivity checks that go unanswered; this script counts the STUN
Binding requests it receives there, accepts the DELETE, and exits when the DELETE
comes (or at --timeout). It shows that a publisher takes an answer, sends its checks
to the answer's candidate, reports a failed connection and cleans up.

Usage: capture-offer.py --out FILE [--host 127.0.0.1] [--port 0] [--status 503]
                        [--dry-answer] [--timeout 60]
"""
import argparse
import http.server
import os
import socket
import sys
import threading

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, If-Match",
    "Access-Control-Expose-Headers": "Location, Link, ETag, Accept-Patch, Accept-Post",
    "Access-Control-Max-Age": "600",
}
CODECS = ("h264", "h265", "vp8", "vp9", "av1", "opus")


def log(msg):
    print(f"capture: {msg}", file=sys.stderr, flush=True)


def dry_answer(offer, host, udp_port):
    """An SDP answer to `offer` that accepts one codec per section and names one UDP candidate."""
    sections, cur = [], None
    for line in offer.replace("\r\n", "\n").split("\n"):
        if line.startswith("m="):
            cur = {"m": line, "attrs": []}
            sections.append(cur)
        elif cur is not None and line.startswith("a="):
            cur["attrs"].append(line[2:])
    ufrag, pwd = os.urandom(4).hex(), os.urandom(12).hex()
    fingerprint = ":".join(f"{b:02X}" for b in os.urandom(32))
    out = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=ice-lite"]
    mids = [a[4:] for s in sections for a in s["attrs"] if a.startswith("mid:")]
    out.append("a=group:BUNDLE " + " ".join(mids))
    for s in sections:
        kind = s["m"][2:].split(" ")[0]
        rtpmap = {a.split(" ")[0][7:]: a.split(" ", 1)[1] for a in s["attrs"] if a.startswith("rtpmap:")}
        pt = next((p for p, enc in rtpmap.items() if enc.split("/")[0].lower() in CODECS), None)
        setup = next((a[6:] for a in s["attrs"] if a.startswith("setup:")), "actpass")
        mid = next((a[4:] for a in s["attrs"] if a.startswith("mid:")), "0")
        if pt is None:
            out += [f"m={kind} 0 UDP/TLS/RTP/SAVPF 0", f"a=mid:{mid}", "a=inactive"]
            continue
        out += [f"m={kind} {udp_port} UDP/TLS/RTP/SAVPF {pt}", f"c=IN IP4 {host}", f"a=mid:{mid}", "a=recvonly",
                "a=rtcp-mux", f"a=ice-ufrag:{ufrag}", f"a=ice-pwd:{pwd}", f"a=fingerprint:sha-256 {fingerprint}",
                f"a=setup:{'passive' if setup == 'active' else 'active'}", f"a=rtpmap:{pt} {rtpmap[pt]}"]
        out += [f"a={a}" for a in s["attrs"] if a.startswith(f"fmtp:{pt} ")]
        out += [f"a=candidate:1 1 udp 2130706431 {host} {udp_port} typ host", "a=end-of-candidates"]
    return "\r\n".join(out) + "\r\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="file to write the offer to")
    ap.add_argument("--host", default="127.0.0.1",
                    help="address to listen on: 127.0.0.1, or the host side of an interop/netns.sh veth pair")
    ap.add_argument("--port", type=int, default=0, help="TCP port (0: any free one)")
    ap.add_argument("--status", type=int, default=503, help="status to answer the POST with")
    ap.add_argument("--dry-answer", action="store_true",
                    help="answer 201 with an SDP whose candidate never replies (self-test; see above)")
    ap.add_argument("--timeout", type=float, default=60.0, help="give up after this many seconds (exit 2)")
    args = ap.parse_args()
    done = threading.Event()
    stun = {"requests": 0, "from": set()}
    udp = None
    if args.dry_answer:
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind((args.host, 0))

        def sink():
            while True:
                try:
                    data, peer = udp.recvfrom(2048)
                except OSError:
                    return
                if len(data) >= 20 and data[0:2] == b"\x00\x01" and data[4:8] == b"\x21\x12\xa4\x42":
                    stun["requests"] += 1
                    stun["from"].add(f"{peer[0]}:{peer[1]}")

        threading.Thread(target=sink, daemon=True).start()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):  # quiet default access log
            pass

        def _reply(self, status, body=b"", ctype="text/plain", extra=None):
            self.send_response(status)
            for k, v in CORS.items():
                self.send_header(k, v)
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _note(self):
            auth = self.headers.get("Authorization", "")
            log(f"{self.command} {self.path} content-type={self.headers.get('Content-Type')!r} "
                f"bearer={'yes' if auth.lower().startswith('bearer ') else 'no'} "
                f"user-agent={self.headers.get('User-Agent')!r}")

        def do_OPTIONS(self):
            self._note()
            self._reply(204, extra={"Accept-Post": "application/sdp"})

        def do_POST(self):
            self._note()
            n = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(min(n, 1 << 20))
            with open(args.out, "wb") as f:
                f.write(body)
            log(f"saved {len(body)} bytes to {args.out}")
            if args.dry_answer:
                answer = dry_answer(body.decode("utf-8", "replace"), args.host, udp.getsockname()[1])
                self._reply(201, answer.encode(), "application/sdp", {"Location": "/whip/capture/session"})
            else:
                self._reply(args.status, b"capture-offer: offer saved, no session here\n")
                done.set()

        def do_DELETE(self):
            self._note()
            self._reply(200)
            done.set()

        def do_PATCH(self):
            self._note()
            self._reply(405)

    srv = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    srv.daemon_threads = True
    print(f"capture: listening http://{args.host}:{srv.server_address[1]}/whip/capture", flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    ok = done.wait(args.timeout)
    srv.shutdown()
    if udp is not None:
        log(f"udp: {stun['requests']} STUN Binding requests from {sorted(stun['from'])}")
        udp.close()
    sys.exit(0 if ok else 2)


if __name__ == "__main__":
    main()
