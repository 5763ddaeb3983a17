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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

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
 * <p><b>Liveness.</b> The session lives while anything authenticated arrives from its publisher: a valid ICE
 * check, DTLS from the selected address, SRTP or SRTCP that passed authentication (not only consent checks, which
 * some publishers stop sending once ICE completes). After {@link SessionParams#disconnectTimeout()} of silence it
 * reports {@link SessionEvent.Disconnected} (a new offer may then replace it), on traffic again
 * {@link SessionEvent.Reconnected}; after {@link SessionParams#consentTimeout()} of silence it closes.
 *
 * <p><b>RTCP.</b> Receiver reports go at a randomised interval (RFC 3550 §6.3.1: 0.5 to 1.5 times
 * {@link #RTCP_INTERVAL_NANOS}); feedback as soon as it is due, in compound packets or alone as
 * {@link SessionParams#rtcpMode()} says.
 *
 * <p>Not thread-safe: one owner at a time (the driver serializes calls).
 */
public final class PublisherSession {
    /** The mean receiver report interval (RFC 4585 lets AVPF use less than RFC 3550's 5 s minimum). */
    public static final long RTCP_INTERVAL_NANOS = 1_000_000_000L;
    /** Largest RTCP datagram we build, before SRTCP's trailer. */
    static final int MAX_RTCP = 1200;
    private static final int SRTCP_OVERHEAD = 64;
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
    private final ArrayDeque<Held> early = new ArrayDeque<>();
    private final RandomGenerator random;
    private final byte[] rtcpBuf = new byte[MAX_RTCP + SRTCP_OVERHEAD];
    private InetSocketAddress earlyFrom;
    private long lastNowNanos;
    private boolean disconnected;
    private long lastHeardNanos;

    /** SRTP that arrived before the keys, with when it arrived. */
    private record Held(byte[] datagram, long arrivalNanos) {
    }

    public PublisherSession(SessionParams params, MediaSink sink, long nowNanos) {
        this(params, sink, nowNanos, new SplittableRandom());
    }

    /** @param random for the randomised report interval (seed it for repeatable tests) */
    public PublisherSession(SessionParams params, MediaSink sink, long nowNanos, RandomGenerator random) {
        this.params = params;
        this.sink = sink;
        this.random = random;
        this.ice = new IceLiteAgent(params.localIce(), params.remoteUfrag(), params.remotePwd(),
                params.consentTimeout(), nowNanos);
        this.ice.start(nowNanos);
        this.feedback = new RtcpFeedback(params);
        this.lastNowNanos = nowNanos;
        this.lastHeardNanos = nowNanos;
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
            if (from.equals(ice.selectedAddress())) {
                heard(nowNanos);
            }
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            events.add(new SessionEvent.DtlsRecord(copy));
        } else if (first >= 128 && first <= 191) {
            if (!ice.isFrom(from)) {
                counters.fromUnknownAddress++;
                return;
            }
            if (srtpIn == null) {
                holdUntilKeyed(buf, off, len, from, nowNanos);
                return;
            }
            boolean authentic;
            if (len >= 2 && (buf[off + 1] & 0xff) >= 192 && (buf[off + 1] & 0xff) <= 223) {
                authentic = handleSrtcp(buf, off, len, nowNanos);
            } else {
                authentic = handleSrtp(buf, off, len, nowNanos);
            }
            if (authentic) {
                heard(nowNanos);
            }
        } else {
            counters.notDemuxable++;
        }
    }

    /** Something authenticated came from the publisher: it is alive (and live again if it was disconnected). */
    private void heard(long nowNanos) {
        ice.refreshConsent(nowNanos);
        if (disconnected) {
            disconnected = false;
            events.add(new SessionEvent.Reconnected(nowNanos - lastHeardNanos));
        }
        lastHeardNanos = Math.max(lastHeardNanos, nowNanos);
    }

    /** True while the publisher has been silent for the disconnect timeout (a new offer may replace it). */
    public boolean isDisconnected() {
        return disconnected;
    }

    /**
     * SRTP that arrives before our side of the DTLS handshake has finished (the peer may finish first and start
     * sending at once) is held, a little of it, and played in once the keys are installed: otherwise the first
     * keyframe is lost, and a publisher that does not answer PLI (FFmpeg) shows nothing until its next one.
     */
    private void holdUntilKeyed(byte[] buf, int off, int len, InetSocketAddress from, long nowNanos) {
        if (early.size() >= MAX_EARLY_PACKETS) {
            counters.notDemuxable++;
            return;
        }
        early.add(new Held(Arrays.copyOfRange(buf, off, off + len), nowNanos));
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
        long consentBefore = ice.lastConsentNanos();
        BindingResult r = ice.handleStun(msg, buf, off, len, from, nowNanos);
        if (r instanceof BindingResult.Reply reply) {
            transmits.add(new Transmit(reply.datagram(), reply.to()));
        } else {
            counters.stunDropped++;
        }
        if (ice.lastConsentNanos() != consentBefore) {
            heard(nowNanos); // a valid check from the selected address
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
        installSrtpKeys(profileId, material, nowNanos, 0);
    }

    /**
     * As {@link #installSrtpKeys(int, byte[], long)}, with a round trip measured during the handshake (a first RTT
     * estimate for NACK and keyframe timing; 0 if none). SRTP that arrived before the keys is played in now, each
     * packet with the time it arrived, so media queued behind a slow handshake keeps its pace downstream.
     */
    public void installSrtpKeys(int profileId, byte[] material, long nowNanos, long handshakeRttNanos) {
        profile = SrtpProfile.fromId(profileId);
        SrtpKeyingMaterial keys = SrtpKeyingMaterial.fromDtlsExport(profile, material, params.dtlsClient());
        srtpIn = keys.inboundContext();
        srtpOut = keys.outboundContext();
        feedback.onRoundTrip(handshakeRttNanos);
        nextRtcpNanos = nowNanos + reportInterval() / 2;
        events.add(new SessionEvent.SrtpReady(profile.name()));
        Held held;
        while ((held = early.poll()) != null) {
            handleDatagram(held.datagram(), 0, held.datagram().length, earlyFrom, held.arrivalNanos());
        }
        lastNowNanos = Math.max(lastNowNanos, nowNanos);
    }

    /** RFC 3550 §6.3.1: the interval is randomised to 0.5 to 1.5 times its mean, so reports do not synchronise. */
    private long reportInterval() {
        return RTCP_INTERVAL_NANOS / 2 + random.nextLong(RTCP_INTERVAL_NANOS + 1);
    }

    /** See {@link RtcpFeedback#setPlayoutDeadline}. */
    public void setPlayoutDeadline(MediaKind kind, long nanos) {
        feedback.setPlayoutDeadline(kind, nanos);
    }

    private boolean handleSrtp(byte[] buf, int off, int len, long nowNanos) {
        int n = srtpIn.unprotectRtp(buf, off, len);
        if (n < 0) {
            countSrtpError(n);
            return false;
        }
        if (!rtp.wrap(buf, off, n)) {
            counters.notDemuxable++;
            return true;
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
        return true;
    }

    private void deliver(MediaKind kind, TrackParams track, boolean retransmitted, long nowNanos) {
        int k = kind.ordinal();
        long ssrc = rtp.ssrc();
        if (primarySsrc[k] != ssrc && !retransmitted) {
            primarySsrc[k] = ssrc;
        }
        counters.rtpPackets[k]++;
        counters.rtpBytes[k] += rtp.length();
        boolean repaired = feedback.onRtp(kind, rtp, retransmitted, nowNanos);
        if (repaired && !retransmitted) {
            counters.resentOnMediaSsrc[k]++;
        }
        sink.onRtp(kind, rtp, repaired, nowNanos);
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

    private boolean handleSrtcp(byte[] buf, int off, int len, long nowNanos) {
        int n = srtpIn.unprotectRtcp(buf, off, len);
        if (n < 0) {
            countSrtpError(n);
            return false;
        }
        List<RtcpPacket> packets;
        try {
            packets = RtcpParser.parseCompound(buf, off, n);
        } catch (RtcpParseException e) {
            counters.rtcpParseErrors++;
            return true;
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
        return true;
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

    /** Runs timers: liveness, periodic receiver reports and feedback. */
    public void handleTimeout(long nowNanos) {
        lastNowNanos = nowNanos;
        if (closed) {
            return;
        }
        long silent = nowNanos - ice.lastConsentNanos();
        if (ice.consentExpired(nowNanos)) {
            close("nothing from the publisher for " + silent / 1_000_000 + " ms (no valid ICE check, DTLS or "
                    + "authenticated media; INGOT_ICE_CONSENT_TIMEOUT_MS " + params.consentTimeout().toMillis() + ")");
            return;
        }
        if (!disconnected && ice.selectedAddress() != null && silent >= params.disconnectTimeout().toNanos()) {
            disconnected = true;
            events.add(new SessionEvent.Disconnected(silent));
        }
        if (srtpOut == null || ice.selectedAddress() == null) {
            return;
        }
        boolean periodic = nowNanos >= nextRtcpNanos;
        if (periodic) {
            nextRtcpNanos = nowNanos + reportInterval();
        }
        List<RtcpPacket> fb = feedback.poll(nowNanos, primarySsrc);
        if (params.rtcpMode().feedbackAlone()) {
            // RFC 5506 reduced size: reports stay compound, each feedback message goes alone
            if (periodic) {
                sendRtcp(feedback.reports(nowNanos));
            }
            for (RtcpPacket p : fb) {
                sendRtcp(List.of(p));
            }
            return;
        }
        if (!periodic && fb.isEmpty()) {
            return;
        }
        // RFC 3550 §6.1, RFC 4585 §3.1: every datagram a compound packet, RR and SDES first
        List<RtcpPacket> header = periodic ? feedback.reports(nowNanos) : feedback.compoundHeader();
        List<RtcpPacket> compound = new ArrayList<>(header);
        int size = RtcpWriter.encodedLength(header);
        for (RtcpPacket p : fb) {
            int n = RtcpWriter.encodedLength(p);
            if (size + n > MAX_RTCP && compound.size() > header.size()) {
                sendRtcp(compound);
                header = feedback.compoundHeader();
                compound = new ArrayList<>(header);
                size = RtcpWriter.encodedLength(header);
            }
            compound.add(p);
            size += n;
        }
        sendRtcp(compound);
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
        int n;
        try {
            n = RtcpWriter.write(packets, rtcpBuf, 0);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return;
        }
        int m = srtpOut.protectRtcp(rtcpBuf, 0, n);
        if (m < 0) {
            return;
        }
        counters.rtcpSent++;
        transmits.add(new Transmit(Arrays.copyOf(rtcpBuf, m), ice.selectedAddress()));
    }

    public long nextTimeoutNanos() {
        if (closed) {
            return Long.MAX_VALUE;
        }
        long t = ice.consentDeadlineNanos();
        if (!disconnected && ice.selectedAddress() != null) {
            t = Math.min(t, ice.lastConsentNanos() + params.disconnectTimeout().toNanos());
        }
        if (srtpOut != null) {
            t = Math.min(t, nextRtcpNanos);
            t = Math.min(t, feedback.nextDeadlineNanos(lastNowNanos));
        }
        return t;
    }

    public Transmit pollTransmit() {
        return transmits.poll();
    }

    public SessionEvent pollEvent() {
        return events.poll();
    }

    /** Ends the session (DELETE, unregister, replaced, DTLS close, silence). Idempotent. */
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
