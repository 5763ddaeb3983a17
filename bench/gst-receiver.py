#!/usr/bin/python3
"""A one-stream WHIP server made of GStreamer webrtcbin, doing the job Ingot does: decode the
published H264 to RGBA and the Opus to PCM. bin/bench runs one per stream and measures their CPU.

Usage: /usr/bin/python3 bench/gst-receiver.py [--port 0] [--host 127.0.0.1]

Run it with Debian's /usr/bin/python3 (python3-gi and the GStreamer typelibs are Debian packages,
see interop/README.md and .ci/install-deps).

HTTP on HOST:PORT (PORT 0: any free port; the first stdout line says which):
  POST /whip        application/sdp offer -> 201 with the answer (after ICE gathering completes,
                    non-trickle) and Location /whip/session. One session at a time (409 otherwise).
  DELETE /whip/session   ends the session (pipeline to NULL).
  GET /stats        {"video_frames": N, "audio_buffers": N}; with ?full=1 also "packets_received" and
                    "packets_lost" summed over webrtcbin's inbound-rtp stats.
Pipeline per session: webrtcbin (recvonly, bundle) and, per incoming stream,
  rtph264depay ! avdec_h264 max-threads=1 ! videoconvert n-threads=1 ! video/x-raw,format=RGBA ! fakesink
  rtpopusdepay ! opusdec ! fakesink
(both sinks sync=false: decode as media arrives, like Ingot). One decoding thread per stream, as Ingot.

Loopback: libnice leaves loopback interfaces out of its own address discovery, so the receiver hands
webrtcbin's NiceAgent 127.0.0.1 as its only local address (as interop/gst-whip.py does) and turns
ICE-TCP off: the answer then carries one UDP host candidate on 127.0.0.1.
"""
import argparse
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("Nice", "0.1")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC, Nice  # noqa: E402

VIDEO_CHAIN = ("rtph264depay ! avdec_h264 max-threads=1 ! videoconvert n-threads=1 "
               "! video/x-raw,format=RGBA ! fakesink name=vsink sync=false async=false")
AUDIO_CHAIN = "rtpopusdepay ! opusdec ! fakesink name=asink sync=false async=false"


T0 = time.monotonic()


def say(msg):
    print(f"gst-receiver: {msg} t={time.monotonic() - T0:.3f}", flush=True)


class Session:
    """One webrtcbin answering one offer; callbacks marshalled onto the GLib main loop."""

    def __init__(self, offer_sdp, reply):
        self.reply = reply  # reply(status, body, headers) from the main loop, once
        self.replied = False
        self.sinks = {}
        self.pipe = Gst.Pipeline.new("session")
        self.webrtc = Gst.ElementFactory.make("webrtcbin", "webrtc")
        self.webrtc.set_property("bundle-policy", GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
        self.pipe.add(self.webrtc)
        # see interop/gst-whip.py: keep the ice-agent wrapper (and an extra ref) for the pipeline's life
        ice = self.webrtc.get_property("ice-agent")
        ice.ref()
        self.ice = ice
        ice.set_property("ice-tcp", False)
        self.agent = ice.get_property("agent")
        addr = Nice.Address()
        addr.set_from_string("127.0.0.1")
        self.agent.add_local_address(addr)
        self.webrtc.connect("pad-added", self.on_pad_added)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering)
        self.webrtc.connect("notify::connection-state", self.on_state)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", self.on_error)
        self.pipe.set_state(Gst.State.PLAYING)
        res, msg = GstSdp.SDPMessage.new()
        if GstSdp.sdp_message_parse_buffer(offer_sdp.encode(), msg) != GstSdp.SDPResult.OK:
            self.respond(400, "offer is not SDP\n")
            return
        offer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, msg)
        promise = Gst.Promise.new_with_change_func(lambda p, _d: GLib.idle_add(self.create_answer), None)
        self.webrtc.emit("set-remote-description", offer, promise)

    def respond(self, status, body, headers=None):
        if not self.replied:
            self.replied = True
            self.reply(status, body, headers or {})
        return False

    def create_answer(self):
        i = 0
        while True:
            tr = self.webrtc.emit("get-transceiver", i)
            if tr is None:
                break
            tr.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY)
            i += 1
        promise = Gst.Promise.new_with_change_func(self.on_answer_created, None)
        self.webrtc.emit("create-answer", None, promise)
        return False

    def on_answer_created(self, promise, _data):
        promise.wait()
        reply = promise.get_reply()
        answer = reply.get_value("answer") if reply else None
        if answer is None:
            GLib.idle_add(self.respond, 500, f"create-answer failed: {reply}\n")
            return
        self.webrtc.emit("set-local-description", answer, None)
        GLib.timeout_add(5000, self.send_answer, "timeout")

    def on_gathering(self, _el, _pspec):
        say(f"gathering {self.webrtc.get_property('ice-gathering-state').value_nick}")
        if self.webrtc.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            GLib.idle_add(self.send_answer, "complete")

    def send_answer(self, _why):
        if self.replied:
            return False
        desc = self.webrtc.get_property("local-description")
        if desc is None:
            return self.respond(500, "no local description\n")
        return self.respond(201, desc.sdp.as_text(),
                            {"Content-Type": "application/sdp", "Location": "/whip/session"})

    def on_pad_added(self, _el, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        s = caps.get_structure(0)
        media = s.get_string("media")
        enc = (s.get_string("encoding-name") or "").upper()
        if media == "video" and enc == "H264":
            desc, sink = VIDEO_CHAIN, "vsink"
        elif media == "audio" and enc == "OPUS":
            desc, sink = AUDIO_CHAIN, "asink"
        else:
            desc, sink = "fakesink sync=false async=false", None
        b = Gst.parse_bin_from_description(desc, True)
        self.pipe.add(b)
        b.sync_state_with_parent()
        pad.link(b.get_static_pad("sink"))
        if sink:
            self.sinks[sink] = b.get_by_name(sink)
        say(f"stream {media} {enc}")

    def on_state(self, _el, _pspec):
        say(f"state {self.webrtc.get_property('connection-state').value_nick}")

    def on_error(self, _bus, msg):
        err, dbg = msg.parse_error()
        say(f"error pipeline: {err.message} ({dbg})")

    def rendered(self, name):
        sink = self.sinks.get(name)
        if sink is None:
            return 0
        st = sink.get_property("stats")
        ok, v = st.get_uint64("rendered")
        return v if ok else 0

    def packet_stats(self):
        promise = Gst.Promise.new()
        self.webrtc.emit("get-stats", None, promise)
        promise.wait()
        reply = promise.get_reply()
        tot = {"packets_received": 0, "packets_lost": 0}
        if reply is None:
            return tot

        def each(_field, value):
            # GStreamer 1.22 names each nested stats structure after its type ("inbound-rtp", ...)
            if isinstance(value, Gst.Structure) and value.get_name() == "inbound-rtp":
                for key in tot:
                    if value.has_field(key.replace("_", "-")):
                        tot[key] += max(0, int(value.get_value(key.replace("_", "-"))))
            return True

        reply.foreach(each)
        return tot

    def close(self):
        self.pipe.set_state(Gst.State.NULL)


class Server:
    def __init__(self, host, port):
        self.session = None
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_a):
                pass

            def send(self, status, body, headers=None):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                say("POST")
                if urllib.parse.urlsplit(self.path).path != "/whip":
                    return self.send(404, "not found\n")
                offer = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                status, body, headers = server.answer(offer)
                self.send(status, body, headers)

            def do_DELETE(self):
                server.end()
                self.send(200, "")

            def do_GET(self):
                u = urllib.parse.urlsplit(self.path)
                if u.path != "/stats":
                    return self.send(404, "not found\n")
                s = server.session
                out = {"video_frames": 0, "audio_buffers": 0}
                if s is not None:
                    out["video_frames"] = s.rendered("vsink")
                    out["audio_buffers"] = s.rendered("asink")
                    if "full=1" in (u.query or ""):
                        out.update(s.packet_stats())
                self.send(200, json.dumps(out), {"Content-Type": "application/json"})

        self.http = ThreadingHTTPServer((host, port), Handler)
        self.http.daemon_threads = True

    def answer(self, offer):
        with self.lock:
            if self.session is not None:
                return 409, "one session at a time\n", {}
            done = threading.Event()
            result = {}

            def reply(status, body, headers):
                result.update(status=status, body=body, headers=headers)
                done.set()

            def begin():
                self.session = Session(offer, reply)
                return False

            GLib.idle_add(begin)
            if not done.wait(15):
                return 504, "no answer within 15 s\n", {}
            return result["status"], result["body"], result["headers"]

    def end(self):
        def stop():
            if self.session is not None:
                self.session.close()
                self.session = None
            return False

        GLib.idle_add(stop)


def main():
    ap = argparse.ArgumentParser(description="One-stream WHIP receiver on GStreamer webrtcbin (decode to RGBA)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    Gst.init(None)
    for f in ("webrtcbin", "nicesrc", "rtph264depay", "avdec_h264", "videoconvert", "rtpopusdepay", "opusdec"):
        if Gst.ElementFactory.find(f) is None:
            say(f"error GStreamer element {f} missing; run .ci/install-deps")
            return 1
    server = Server(a.host, a.port)
    threading.Thread(target=server.http.serve_forever, daemon=True).start()
    loop = GLib.MainLoop()

    def on_signal():
        if server.session is not None:
            server.session.close()
            server.session = None
        loop.quit()
        return False

    for sig in (2, 15):  # SIGINT, SIGTERM
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, on_signal)
    host, port = server.http.server_address[:2]
    print(f"gst-receiver: listening http://{host}:{port}/whip", flush=True)
    loop.run()
    if server.session is not None:
        server.session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
