package dev.ingot.rtc.session;

import dev.ingot.rtc.ice.BindingResult;
import dev.ingot.rtc.ice.IceLiteAgent;
import dev.ingot.rtc.ice.IceState;
import dev.ingot.rtc.rtcp.Bye;
import dev.ingot.rtc.rtcp.RtcpPacket;
import dev.ingot.rtc.rtcp.RtcpParseException;
import dev.ingot.rtc.rtcp.RtcpParser;
import dev.ingot.rtc.rtcp.RtcpWriter;
import dev.ingot.rtc.rtcp.SenderReport;
import dev.ingot.rtc.rtp.RtpPacket;
import dev.ingot.rtc.srtp.SrtpContext;
import dev.ingot.rtc.srtp.SrtpError;
import dev.ingot.rtc.srtp.SrtpKeyingMaterial;
import dev.ingot.rtc.srtp.SrtpProfile;
import dev.ingot.rtc.stun.StunMessage;
import dev.ingot.rtc.stun.StunParseException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One publisher's WebRTC transport, as a sans-IO state machine (the str0m model): the driver pushes
 * datagrams and time in ({@link #handleDatagram}, {@link #handleTimeout}) and pulls out datagrams to send
 * ({@link #pollTransmit}), events ({@link #pollEvent}) and the next deadline ({@link #nextTimeoutNanos}).
 * Authenticated RTP goes synchronously to the {@link MediaSink}.
 *
 * <p>Datagrams are demultiplexed by their first byte (RFC 7983): STUN goes to the ICE-lite agent, DTLS records
 * out as events for the DTLS engine (Bouncy Castle runs blocking, so the driver runs it), SRTP/SRTCP are
 * unprotected here once {@link #installSrtpKeys} was called. DTLS and SRTP from any address that has not
 * passed an ICE check are dropped.
 *
 * <p>Not thread-safe: one owner at a time (the driver serializes calls).
 */
public final class PublisherSession {
    private static final long RTCP_INTERVAL_NANOS = 1_000_000_000L;
    private static final int MAX_RTCP = 1500;
    private static final int MAX_EARLY_PACKETS = 512;

    private final SessionParams params;
    private final IceLiteAgent ice;
    private final MediaSink sink;
    private final ArrayDeque<SessionEvent> events = new ArrayDeque<>();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final RtpPacket rtp = new RtpPacket();
    private final SessionCounters counters = new SessionCounters();
    private final RtcpFeedback feedback;
    private InetSocketAddress announced;
    private SrtpContext srtpIn;
    private SrtpContext srtpOut;
    private SrtpProfile profile;
    private final long[] primarySsrc = {-1, -1};
    private long nextRtcpNanos = Long.MAX_VALUE;
    private boolean closed;
    private final ArrayDeque<byte[]> early = new ArrayDeque<>();
    private InetSocketAddress earlyFrom;
    private long lastNowNanos;

    public PublisherSession(SessionParams params, MediaSink sink, long nowNanos) {
        this.params = params;
        this.sink = sink;
        this.ice = new IceLiteAgent(params.localIce(), params.remoteUfrag(), params.remotePwd(),
                params.consentTimeout(), nowNanos);
        this.ice.start(nowNanos);
        this.feedback = new RtcpFeedback(params);
    }

    public SessionParams params() {
        return params;
    }

    public IceLiteAgent ice() {
        return ice;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The publisher's address chosen by ICE, or null before the first valid check. */
    public InetSocketAddress remoteAddress() {
        return ice.selectedAddress();
    }

    public boolean srtpReady() {
        return srtpIn != null;
    }

    public SessionCounters.Snapshot counters() {
        return counters.snapshot();
    }

    public RtcpFeedback feedback() {
        return feedback;
    }

    /** Feeds one received datagram. Never throws on bad input: what cannot be used is counted and dropped. */
    public void handleDatagram(byte[] buf, int off, int len, InetSocketAddress from, long nowNanos) {
        lastNowNanos = nowNanos;
        if (closed || len < 1) {
            return;
        }
        int first = buf[off] & 0xff;
        if (first <= 3) {
            handleStun(buf, off, len, from, nowNanos);
        } else if (first >= 20 && first <= 63) {
            if (!ice.isFrom(from)) {
                counters.fromUnknownAddress++;
                return;
            }
            counters.dtlsRecords++;
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            events.add(new SessionEvent.DtlsRecord(copy));
        } else if (first >= 128 && first <= 191) {
            if (!ice.isFrom(from)) {
                counters.fromUnknownAddress++;
                return;
            }
            if (srtpIn == null) {
                holdUntilKeyed(buf, off, len, from);
                return;
            }
            if (len >= 2 && (buf[off + 1] & 0xff) >= 192 && (buf[off + 1] & 0xff) <= 223) {
                handleSrtcp(buf, off, len, nowNanos);
            } else {
                handleSrtp(buf, off, len, nowNanos);
            }
        } else {
            counters.notDemuxable++;
        }
    }

    /**
     * SRTP that arrives before our side of the DTLS handshake has finished (the peer may finish first and start
     * sending at once) is held, a little of it, and played in once the keys are installed: otherwise the first
     * keyframe is lost, and a publisher that does not answer PLI (FFmpeg) shows nothing until its next one.
     */
    private void holdUntilKeyed(byte[] buf, int off, int len, InetSocketAddress from) {
        if (early.size() >= MAX_EARLY_PACKETS) {
            counters.notDemuxable++;
            return;
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        early.add(copy);
        earlyFrom = from;
    }

    private void handleStun(byte[] buf, int off, int len, InetSocketAddress from, long nowNanos) {
        StunMessage msg;
        try {
            msg = StunMessage.parse(buf, off, len);
        } catch (StunParseException e) {
            counters.stunDropped++;
            return;
        }
        counters.stunRequests++;
        BindingResult r = ice.handleStun(msg, buf, off, len, from, nowNanos);
        if (r instanceof BindingResult.Reply reply) {
            transmits.add(new Transmit(reply.datagram(), reply.to()));
        } else {
            counters.stunDropped++;
        }
        InetSocketAddress selected = ice.selectedAddress();
        if (selected != null && !selected.equals(announced)) {
            announced = selected;
            events.add(new SessionEvent.IceConnected(selected));
        }
    }

    /**
     * Installs the SRTP keys exported by the DTLS handshake.
     *
     * @param profileId DTLS-SRTP protection profile (RFC 5764 §4.1.2)
     * @param material  keying material exported with label EXTRACTOR-dtls_srtp
     */
    public void installSrtpKeys(int profileId, byte[] material, long nowNanos) {
        profile = SrtpProfile.fromId(profileId);
        SrtpKeyingMaterial keys = SrtpKeyingMaterial.fromDtlsExport(profile, material, params.dtlsClient());
        srtpIn = keys.inboundContext();
        srtpOut = keys.outboundContext();
        nextRtcpNanos = nowNanos + RTCP_INTERVAL_NANOS / 2;
        events.add(new SessionEvent.SrtpReady(profile.name()));
        byte[] held;
        while ((held = early.poll()) != null) {
            handleDatagram(held, 0, held.length, earlyFrom, nowNanos);
        }
    }

    private void handleSrtp(byte[] buf, int off, int len, long nowNanos) {
        int n = srtpIn.unprotectRtp(buf, off, len);
        if (n < 0) {
            countSrtpError(n);
            return;
        }
        if (!rtp.wrap(buf, off, n)) {
            counters.notDemuxable++;
            return;
        }
        feedback.onTransportPacket(rtp, nowNanos);
        int pt = rtp.payloadType();
        TrackParams video = params.video();
        TrackParams audio = params.audio();
        if (video != null && pt == video.payloadType()) {
            deliver(MediaKind.VIDEO, video, false, nowNanos);
        } else if (audio != null && pt == audio.payloadType()) {
            deliver(MediaKind.AUDIO, audio, false, nowNanos);
        } else if (video != null && pt == video.rtxPayloadType()) {
            unwrapRtx(MediaKind.VIDEO, video, buf, off, n, nowNanos);
        } else if (audio != null && pt == audio.rtxPayloadType()) {
            unwrapRtx(MediaKind.AUDIO, audio, buf, off, n, nowNanos);
        } else {
            counters.unknownPayloadType++;
        }
    }

    private void deliver(MediaKind kind, TrackParams track, boolean retransmitted, long nowNanos) {
        int k = kind.ordinal();
        long ssrc = rtp.ssrc();
        if (primarySsrc[k] != ssrc && !retransmitted) {
            primarySsrc[k] = ssrc;
        }
        counters.rtpPackets[k]++;
        counters.rtpBytes[k] += rtp.length();
        feedback.onRtp(kind, rtp, retransmitted, nowNanos);
        sink.onRtp(kind, rtp, retransmitted, nowNanos);
    }

    /** RFC 4588 §4: the payload starts with the original sequence number; restore the original packet in place. */
    private void unwrapRtx(MediaKind kind, TrackParams track, byte[] buf, int off, int len, long nowNanos) {
        int k = kind.ordinal();
        if (rtp.payloadLength() < 2) {
            counters.rtxProbes++;
            return;
        }
        if (primarySsrc[k] < 0) {
            return;
        }
        int payloadAt = rtp.payloadOffset();
        int osn = ((buf[payloadAt] & 0xff) << 8) | (buf[payloadAt + 1] & 0xff);
        int headerLen = rtp.headerLength();
        System.arraycopy(buf, off, buf, off + 2, headerLen);
        int o = off + 2;
        buf[o + 1] = (byte) ((buf[o + 1] & 0x80) | track.payloadType());
        buf[o + 2] = (byte) (osn >>> 8);
        buf[o + 3] = (byte) osn;
        long ssrc = primarySsrc[k];
        buf[o + 8] = (byte) (ssrc >>> 24);
        buf[o + 9] = (byte) (ssrc >>> 16);
        buf[o + 10] = (byte) (ssrc >>> 8);
        buf[o + 11] = (byte) ssrc;
        if (!rtp.wrap(buf, o, len - 2)) {
            counters.notDemuxable++;
            return;
        }
        counters.rtxPackets[k]++;
        deliver(kind, track, true, nowNanos);
    }

    private void handleSrtcp(byte[] buf, int off, int len, long nowNanos) {
        int n = srtpIn.unprotectRtcp(buf, off, len);
        if (n < 0) {
            countSrtpError(n);
            return;
        }
        List<RtcpPacket> packets;
        try {
            packets = RtcpParser.parseCompound(buf, off, n);
        } catch (RtcpParseException e) {
            counters.rtcpParseErrors++;
            return;
        }
        counters.rtcpPackets++;
        for (RtcpPacket p : packets) {
            switch (p) {
                case SenderReport sr -> {
                    feedback.onSenderReport(sr, nowNanos);
                    for (MediaKind kind : MediaKind.values()) {
                        if (sr.ssrc() == primarySsrc[kind.ordinal()]) {
                            sink.onSenderReport(kind, sr.ntpTimestamp(), sr.rtpTimestamp(), nowNanos);
                        }
                    }
                }
                case Bye bye -> {
                    for (long ssrc : bye.ssrcs()) {
                        if (ssrc == primarySsrc[0] || ssrc == primarySsrc[1]) {
                            events.add(new SessionEvent.ByeReceived(ssrc));
                        }
                    }
                }
                default -> {
                }
            }
        }
    }

    private void countSrtpError(int code) {
        SrtpError e = SrtpError.fromCode(code);
        if (e == SrtpError.AUTH_FAILED) {
            counters.srtpAuthFailures++;
        } else if (e == SrtpError.REPLAYED) {
            counters.srtpReplays++;
        } else {
            counters.srtpOtherErrors++;
        }
    }

    /** Runs timers: ICE consent, periodic receiver reports and feedback. */
    public void handleTimeout(long nowNanos) {
        lastNowNanos = nowNanos;
        if (closed) {
            return;
        }
        if (ice.consentExpired(nowNanos)) {
            close("ICE consent expired (no valid STUN check for " + params.consentTimeout().toMillis() + " ms)");
            return;
        }
        if (srtpOut == null || ice.selectedAddress() == null) {
            return;
        }
        boolean periodic = nowNanos >= nextRtcpNanos;
        if (periodic) {
            nextRtcpNanos = nowNanos + RTCP_INTERVAL_NANOS;
        }
        List<RtcpPacket> out = feedback.poll(nowNanos, periodic, primarySsrc);
        // Reports go as one compound (RR + SDES); each feedback message goes in a datagram of its own (RFC 5506
        // reduced size): FFmpeg's WHIP muxer only reads a NACK that is alone in its datagram.
        int reports = periodic ? 2 : 0;
        if (reports > 0) {
            sendRtcp(out.subList(0, Math.min(reports, out.size())));
        }
        for (int i = reports; i < out.size(); i++) {
            sendRtcp(List.of(out.get(i)));
        }
    }

    /** Asks the publisher for a keyframe (PLI, or FIR where only FIR was negotiated), rate-limited. */
    public void requestKeyframe(long nowNanos) {
        feedback.requestKeyframe(nowNanos);
        handleTimeout(nowNanos);
    }

    /** The media layer saw a keyframe: keyframe requests stop repeating. */
    public void keyframeReceived() {
        feedback.keyframeReceived();
    }

    private void sendRtcp(List<RtcpPacket> packets) {
        byte[] buf = new byte[MAX_RTCP + 64];
        int n;
        try {
            n = RtcpWriter.write(packets, buf, 0);
        } catch (IllegalArgumentException e) {
            return;
        }
        int m = srtpOut.protectRtcp(buf, 0, n);
        if (m < 0) {
            return;
        }
        byte[] datagram = java.util.Arrays.copyOf(buf, m);
        counters.rtcpSent++;
        transmits.add(new Transmit(datagram, ice.selectedAddress()));
    }

    public long nextTimeoutNanos() {
        if (closed) {
            return Long.MAX_VALUE;
        }
        long t = ice.consentDeadlineNanos();
        t = Math.min(t, nextRtcpNanos);
        return Math.min(t, feedback.nextDeadlineNanos(lastNowNanos));
    }

    public Transmit pollTransmit() {
        return transmits.poll();
    }

    public SessionEvent pollEvent() {
        return events.poll();
    }

    /** Ends the session (DELETE, unregister, DTLS close, consent loss). Idempotent. */
    public void close(String reason) {
        if (!closed) {
            closed = true;
            events.add(new SessionEvent.Closed(reason));
        }
    }

    public IceState iceState() {
        return ice.state();
    }
}
