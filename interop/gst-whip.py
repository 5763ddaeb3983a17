#!/usr/bin/python3
"""Publish a GStreamer test pattern + 440 Hz sine to a WHIP endpoint with webrtcbin.

Usage: /usr/bin/python3 interop/gst-whip.py URL TOKEN [--duration S] [--codec h264|h265|vp8|vp9]
         [--size WxH] [--pattern ball|smpte|...] [--no-audio] [--no-video] [--local-address auto|none|ADDR[,ADDR...]] [--no-ice-tcp]
         [--nack] [--ice-timeout S] [--connect-timeout S]

Always run it with Debian's /usr/bin/python3: python3-gi and the GStreamer typelibs are
Debian packages (.ci/install-deps) and are not visible to a pyenv python3 on PATH.

Pipeline (GStreamer 1.22, gst-plugins-bad webrtcbin + libnice):
  videotestsrc is-live ! 1280x720@30 ! x264enc tune=zerolatency speed-preset=ultrafast
      key-int-max=30 bframes=0 ! rtph264pay config-interval=-1 ! webrtcbin
      (or vp8enc / vp9enc / x265enc ! rtph265pay; GStreamer 1.22 has no rtpav1pay: that is in gst-plugins-rs)
  audiotestsrc is-live wave=sine freq=440 ! opusenc ! rtpopuspay ! webrtcbin
webrtcbin: bundle-policy=max-bundle, both transceivers sendonly, no STUN server. The script
creates the offer, waits for ICE gathering to complete (non-trickle WHIP, at most
--ice-timeout s), POSTs it (Content-Type: application/sdp, Authorization: Bearer TOKEN),
applies the answer, prints connection-state changes, and on --duration / SIGINT / SIGTERM
prints outbound-rtp stats and DELETEs the Location resource.

Loopback and libnice: libnice leaves loopback interfaces out when it discovers local
addresses by itself, so on a machine whose only route to the server is 127.0.0.1 the offer
holds no usable candidate and ICE never connects. Two ways round it, both work here:
  1. --local-address (default 'auto'): when the WHIP URL's host is a loopback address,
     the script gives webrtcbin's NiceAgent 127.0.0.1 as its only local address
     (ice-agent -> agent -> add_local_address; needs Debian's gir1.2-nice-0.1). libnice then
     gathers host candidates on 127.0.0.1 only (UDP, and TCP active/passive unless
     --no-ice-tcp). This is the simple path: no root, no namespace.
  2. A network namespace: interop/netns.sh up NAME creates a veth pair (169.254.77.1/30 on
     the host side, 169.254.77.2/30 inside NAME); run this script with
     `ip netns exec NAME /usr/bin/python3 interop/gst-whip.py http://169.254.77.1:PORT/...`
     and have the server answer with a 169.254.77.1 candidate. libnice then sees a real
     (non-loopback) interface and uses its own address discovery ('auto' does nothing
     for a non-loopback URL host). Needs root (CAP_NET_ADMIN).

Status lines on stdout, prefix 'gst-whip:': start, offer (size), posted (HTTP status,
Location), state <connection-state>, connected, stats <json>, frames encoded=N
while-connected=M (video frames out of the encoder; those while connected are what the server
can get), deleted, end rc=N.
Exit codes: 0 ok; 2 the POST got a non-2xx answer (status and body printed); 3 ICE/DTLS
failed or did not connect within --connect-timeout; 1 any other error (pipeline error...).
"""
import argparse
import ipaddress
import json
import signal
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

VIDEO = {
    "h264": "x264enc name=venc tune=zerolatency speed-preset=ultrafast key-int-max=30 bframes=0 bitrate=2000 "
            "! video/x-h264,profile=constrained-baseline "
            "! rtph264pay config-interval=-1 aggregate-mode=zero-latency pt=96 "
            "! application/x-rtp,media=video,encoding-name=H264,payload=96,clock-rate=90000",
    "vp8": "vp8enc name=venc deadline=1 keyframe-max-dist=30 target-bitrate=2000000 cpu-used=8 "
           "! rtpvp8pay picture-id-mode=15-bit pt=96 "
           "! application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000",
    "vp9": "vp9enc name=venc deadline=1 keyframe-max-dist=30 target-bitrate=2000000 cpu-used=8 "
           "! rtpvp9pay picture-id-mode=15-bit pt=98 "
           "! application/x-rtp,media=video,encoding-name=VP9,payload=98,clock-rate=90000",
    # x265 (gst-plugins-bad); no B-frames, parameter sets in every keyframe (RFC 7798 in-band)
    "h265": "x265enc name=venc tune=zerolatency speed-preset=ultrafast key-int-max=30 bitrate=2000 "
            "option-string=bframes=0:repeat-headers=1 "
            "! video/x-h265,profile=main ! rtph265pay config-interval=-1 pt=100 "
            "! application/x-rtp,media=video,encoding-name=H265,payload=100,clock-rate=90000",
}
ENCODER = {"h264": "x264enc", "vp8": "vp8enc", "vp9": "vp9enc", "h265": "x265enc"}


def say(msg):
    print(f"gst-whip: {msg}", flush=True)


def parse_args():
    ap = argparse.ArgumentParser(description="Publish test media to a WHIP endpoint with GStreamer webrtcbin")
    ap.add_argument("url")
    ap.add_argument("token", help="bearer token ('' for no Authorization header)")
    ap.add_argument("--duration", type=float, default=0, help="seconds to publish (0: until SIGINT/SIGTERM)")
    ap.add_argument("--codec", choices=sorted(VIDEO), default="h264")
    ap.add_argument("--pattern", default="ball",
                    help="videotestsrc pattern (ball, smpte: a still picture a test can render itself, ...)")
    ap.add_argument("--no-audio", action="store_true")
    ap.add_argument("--no-video", action="store_true")
    ap.add_argument("--local-address", default="auto",
                    help="'auto' (127.0.0.1 when the URL host is loopback), 'none', or a comma list of "
                         "addresses for libnice to gather on")
    ap.add_argument("--no-ice-tcp", action="store_true", help="gather UDP candidates only")
    ap.add_argument("--nack", action="store_true",
                    help="video does NACK/RTX (webrtcbin's default offers neither generic nack nor rtx)")
    ap.add_argument("--size", default="1280x720", help="video WIDTHxHEIGHT (30 fps)")
    ap.add_argument("--ice-timeout", type=float, default=5.0, help="max seconds to wait for ICE gathering")
    ap.add_argument("--connect-timeout", type=float, default=15.0, help="max seconds from POST to connected")
    a = ap.parse_args()
    if a.no_audio and a.no_video:
        ap.error("nothing to send")
    try:
        a.width, a.height = (int(x) for x in a.size.lower().split("x"))
    except ValueError:
        ap.error(f"--size must be WIDTHxHEIGHT: {a.size!r}")
    u = urllib.parse.urlsplit(a.url)
    if u.scheme not in ("http", "https") or not u.hostname:
        ap.error(f"URL must be an absolute http(s) URL: {a.url!r}")
    return a


def local_addresses(opt, url):
    if opt == "none":
        return []
    if opt != "auto":
        return [x.strip() for x in opt.split(",") if x.strip()]
    host = urllib.parse.urlsplit(url).hostname
    try:
        if host == "localhost" or ipaddress.ip_address(host).is_loopback:
            return ["127.0.0.1"]
    except ValueError:
        pass
    return []


class Publisher:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.rc = 0
        self.location = None
        self.posted = False
        self.connected = False
        self.stopping = False
        self.frames_encoded = 0
        self.frames_connected = 0
        parts = ["webrtcbin name=webrtc bundle-policy=max-bundle"]
        if not args.no_video:
            parts.append(f"videotestsrc is-live=true pattern={args.pattern} "
                         f"! video/x-raw,width={args.width},height={args.height},framerate=30/1 ! videoconvert "
                         f"! queue ! {VIDEO[args.codec]} ! webrtc.")
        if not args.no_audio:
            parts.append("audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! queue "
                         "! opusenc ! rtpopuspay pt=111 "
                         "! application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! webrtc.")
        self.pipe = Gst.parse_launch(" ".join(parts))
        self.webrtc = self.pipe.get_by_name("webrtc")
        if not args.no_video:
            # count encoded frames (one buffer each), and those encoded while connected and not stopping: what
            # a receiver can be expected to get
            self.pipe.get_by_name("venc").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, self.on_frame)
        for pad in self.webrtc.sinkpads:
            tr = pad.get_property("transceiver")
            tr.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
            caps = pad.peer_query_caps(None)
            media = caps.get_structure(0).get_string("media") if caps.get_size() else None
            if args.nack and media == "video" and tr.find_property("do-nack") is not None:
                tr.set_property("do-nack", True)  # offers 'nack' and an RTX payload type (apt=)
        # webrtcbin never sinks the floating ref of its GstWebRTCNice; PyGObject then takes
        # that ref as its own and drops it with the wrapper (use-after-free, segfault).
        # Keep the wrapper (and an extra ref) for the life of the pipeline.
        ice = self.webrtc.get_property("ice-agent")
        ice.ref()
        self.ice = ice
        if args.no_ice_tcp:
            ice.set_property("ice-tcp", False)
        addrs = local_addresses(args.local_address, args.url)
        if addrs:
            gi.require_version("Nice", "0.1")
            from gi.repository import Nice
            agent = ice.get_property("agent")
            self.agent = agent
            for a in addrs:
                na = Nice.Address()
                if not na.set_from_string(a):
                    raise SystemExit(f"gst-whip: bad --local-address {a!r}")
                agent.add_local_address(na)
        self.addrs = addrs
        self.webrtc.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering)
        self.webrtc.connect("notify::connection-state", self.on_connection_state)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", self.on_error)

    def on_frame(self, _pad, _info):
        self.frames_encoded += 1
        if self.connected and not self.stopping:
            self.frames_connected += 1
        return Gst.PadProbeReturn.OK

    # --- offer / answer ------------------------------------------------------
    def on_negotiation_needed(self, _el):
        self.webrtc.emit("create-offer", None, Gst.Promise.new_with_change_func(self.on_offer_created, None))

    def on_offer_created(self, promise, _data):
        promise.wait()
        reply = promise.get_reply()
        offer = reply.get_value("offer") if reply else None
        if offer is None:
            GLib.idle_add(self.fail, 1, f"create-offer failed: {reply}")
            return
        self.webrtc.emit("set-local-description", offer, None)
        GLib.timeout_add(int(self.args.ice_timeout * 1000), self.post_offer, "timeout")

    def on_gathering(self, _el, _pspec):
        if self.webrtc.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            GLib.idle_add(self.post_offer, "complete")

    def post_offer(self, why):
        if self.posted or self.stopping:
            return False
        self.posted = True
        sdp = self.webrtc.get_property("local-description").sdp.as_text()
        say(f"offer {len(sdp)}B (ice gathering {why})")
        threading.Thread(target=self.http_post, args=(sdp,), daemon=True).start()
        return False

    def http_post(self, sdp):
        headers = {"Content-Type": "application/sdp"}
        if self.args.token:
            headers["Authorization"] = f"Bearer {self.args.token}"
        req = urllib.request.Request(self.args.url, data=sdp.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                body = res.read().decode("utf-8", "replace")
                status, location = res.status, res.headers.get("Location")
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")
            GLib.idle_add(self.fail, 2, f"error HTTP {e.code} body={json.dumps(body)}")
            return
        except Exception as e:  # connection refused, timeout...
            GLib.idle_add(self.fail, 2, f"error POST failed: {e}")
            return
        GLib.idle_add(self.on_answer, status, location, body)

    def on_answer(self, status, location, body):
        self.location = urllib.parse.urljoin(self.args.url, location) if location else None
        say(f"posted HTTP {status} location={self.location}")
        res, msg = GstSdp.SDPMessage.new()
        if GstSdp.sdp_message_parse_buffer(body.encode(), msg) != GstSdp.SDPResult.OK:
            return self.fail(1, f"error answer is not SDP: {body[:200]!r}")
        answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, msg)
        self.webrtc.emit("set-remote-description", answer, None)
        GLib.timeout_add(int(self.args.connect_timeout * 1000), self.check_connected)
        return False

    # --- connection ----------------------------------------------------------
    def on_connection_state(self, _el, _pspec):
        state = self.webrtc.get_property("connection-state")
        GLib.idle_add(self.report_state, state)

    def report_state(self, state):
        name = state.value_nick
        say(f"state {name}")
        if state == GstWebRTC.WebRTCPeerConnectionState.CONNECTED and not self.connected:
            self.connected = True
            say("connected")
            if self.args.duration > 0:
                GLib.timeout_add(int(self.args.duration * 1000), self.stop, "duration")
        elif state == GstWebRTC.WebRTCPeerConnectionState.FAILED and not self.stopping:
            self.fail(3, "error connection failed")
        return False

    def check_connected(self):
        if not self.connected and not self.stopping:
            self.fail(3, f"error not connected after {self.args.connect_timeout:g} s")
        return False

    def on_error(self, _bus, msg):
        err, dbg = msg.parse_error()
        self.fail(1, f"error pipeline: {err.message} ({dbg})")

    def fail(self, rc, msg):
        if self.stopping:
            return False
        say(msg)
        self.rc = rc
        self.stop("error")
        return False

    # --- teardown ------------------------------------------------------------
    def stop(self, why):
        if self.stopping:
            return False
        self.stopping = True
        if self.connected:
            promise = Gst.Promise.new()
            self.webrtc.emit("get-stats", None, promise)
            promise.wait()
            say(f"stats {json.dumps(self.outbound_stats(promise.get_reply()))}")
            if not self.args.no_video:
                say(f"frames encoded={self.frames_encoded} while-connected={self.frames_connected}")
        if self.location:
            say(f"deleted {self.http_delete()}")
        self.pipe.set_state(Gst.State.NULL)
        self.loop.quit()
        return False

    @staticmethod
    def outbound_stats(reply):
        out = []
        if reply is None:
            return out

        def each(_field, value):
            if isinstance(value, Gst.Structure) and value.get_name() == "application/x-webrtc-stats":
                ok, typ = value.get_enum("type", GstWebRTC.WebRTCStatsType)
                if ok and typ == GstWebRTC.WebRTCStatsType.OUTBOUND_RTP:
                    rec = {}
                    for key in ("ssrc", "kind", "packets-sent", "bytes-sent", "nack-count", "pli-count", "fir-count"):
                        if value.has_field(key):
                            rec[key] = value.get_value(key)
                    out.append(rec)
            return True

        reply.foreach(each)
        return out

    def http_delete(self):
        headers = {"Authorization": f"Bearer {self.args.token}"} if self.args.token else {}
        req = urllib.request.Request(self.location, headers=headers, method="DELETE")
        try:
            with urllib.request.urlopen(req, timeout=5) as res:
                return f"HTTP {res.status}"
        except urllib.error.HTTPError as e:
            return f"HTTP {e.code}"
        except Exception as e:
            return f"failed: {e}"

    def run(self):
        say(f"start url={self.args.url} codec={'off' if self.args.no_video else self.args.codec} "
            f"audio={'off' if self.args.no_audio else 'opus'} local-address={','.join(self.addrs) or 'libnice'} "
            f"duration={self.args.duration or 'until killed'}")
        for sig in (signal.SIGINT, signal.SIGTERM):
            GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, self.stop, "signal")
        if self.pipe.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            say("error pipeline would not start")
            return 1
        self.loop.run()
        say(f"end rc={self.rc}")
        return self.rc


def main():
    args = parse_args()
    Gst.init(None)
    for f in ("webrtcbin", "nicesrc", ENCODER[args.codec], "opusenc"):
        if Gst.ElementFactory.find(f) is None:
            say(f"error GStreamer element {f} missing; run .ci/install-deps")
            return 1
    return Publisher(args).run()


if __name__ == "__main__":
    sys.exit(main())
