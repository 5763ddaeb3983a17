#!/usr/bin/env python3
"""Capture the SDP offer a real WHIP publisher sends.

A tiny WHIP look-alike on 127.0.0.1: it answers the CORS preflight (OPTIONS)
permissively, saves the body of the first POST (the SDP offer) to --out, and
answers that POST with --status (default 503, so the publisher gives up and
exits). It prints one line when listening:

    capture: listening http://127.0.0.1:PORT/whip/capture

and one line per request on stderr (method, path, Content-Type, whether an
Authorization: Bearer header came). With --once (the default) it exits after
the first POST. Standard library only; any python3 runs it.

Usage: capture-offer.py --out FILE [--host 127.0.0.1] [--port 0] [--status 503] [--keep-going] [--timeout 60]
"""
import argparse
import http.server
import sys
import threading

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, If-Match",
    "Access-Control-Expose-Headers": "Location, Link, ETag, Accept-Patch, Accept-Post",
    "Access-Control-Max-Age": "600",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="file to write the offer to")
    ap.add_argument("--host", default="127.0.0.1",
                    help="address to listen on: 127.0.0.1, or the host side of an interop/netns.sh veth pair")
    ap.add_argument("--port", type=int, default=0, help="TCP port (0: any free one)")
    ap.add_argument("--status", type=int, default=503, help="status to answer the POST with")
    ap.add_argument("--keep-going", action="store_true", help="do not exit after the first POST")
    ap.add_argument("--timeout", type=float, default=60.0, help="give up after this many seconds (exit 2)")
    args = ap.parse_args()
    done = threading.Event()

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
            print(f"capture: {self.command} {self.path} content-type={self.headers.get('Content-Type')!r} "
                  f"bearer={'yes' if auth.lower().startswith('bearer ') else 'no'} "
                  f"user-agent={self.headers.get('User-Agent')!r}", file=sys.stderr, flush=True)

        def do_OPTIONS(self):
            self._note()
            self._reply(204, extra={"Accept-Post": "application/sdp"})

        def do_POST(self):
            self._note()
            n = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(min(n, 1 << 20))
            with open(args.out, "wb") as f:
                f.write(body)
            print(f"capture: saved {len(body)} bytes to {args.out}", file=sys.stderr, flush=True)
            self._reply(args.status, b"capture-offer: offer saved, no session here\n")
            if not args.keep_going:
                done.set()

        def do_DELETE(self):
            self._note()
            self._reply(200)

        def do_PATCH(self):
            self._note()
            self._reply(405)

    srv = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    srv.daemon_threads = True
    print(f"capture: listening http://{args.host}:{srv.server_address[1]}/whip/capture", flush=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    ok = done.wait(args.timeout if not args.keep_going else None)
    srv.shutdown()
    sys.exit(0 if ok else 2)


if __name__ == "__main__":
    main()
