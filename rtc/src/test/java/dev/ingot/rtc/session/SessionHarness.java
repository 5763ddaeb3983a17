package dev.ingot.rtc.session;

import dev.ingot.rtc.ice.IceCredentials;
import dev.ingot.rtc.rtcp.FullIntraRequest;
import dev.ingot.rtc.rtcp.GenericNack;
import dev.ingot.rtc.rtcp.PictureLossIndication;
import dev.ingot.rtc.rtcp.RtcpPacket;
import dev.ingot.rtc.rtcp.RtcpParseException;
import dev.ingot.rtc.rtcp.RtcpParser;
import dev.ingot.rtc.rtcp.RtcpWriter;
import dev.ingot.rtc.rtcp.SenderReport;
import dev.ingot.rtc.rtp.RtpPacket;
import dev.ingot.rtc.rtp.RtpPacketWriter;
import dev.ingot.rtc.srtp.SrtpContext;
import dev.ingot.rtc.srtp.SrtpKeyingMaterial;
import dev.ingot.rtc.srtp.SrtpProfile;
import dev.ingot.rtc.stun.MessageIntegrityKey;
import dev.ingot.rtc.stun.StunMessageWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A {@link PublisherSession} and a simulated publisher joined by a simulated network, all in virtual time: no
 * sockets, no threads, no sleeps (the str0m way of testing a sans-IO peer). The publisher answers ICE with
 * checks, skips DTLS (both sides get the same made-up keying material: Bouncy Castle reads the wall clock), and
 * sends SRTP: video frames of several packets at 30 fps (keyframes marked by a payload byte), Opus every 20 ms,
 * sender reports. It answers NACKs with resends (on RTX, on the media SSRC, or not at all) and PLIs with a
 * keyframe. Each direction of the network has its own delay, jitter (so packets overtake each other) and loss,
 * from one seeded random source.
 */
final class SessionHarness {
    static final long MS = 1_000_000L;
    static final long T0 = 1_000 * MS;
    static final int VIDEO_PT = 96;
    static final int RTX_PT = 97;
    static final int AUDIO_PT = 111;
    static final long VIDEO_SSRC = 0x1111_1111L;
    static final long RTX_SSRC = 0x2222_2222L;
    static final long AUDIO_SSRC = 0x3333_3333L;
    static final long LOCAL_SSRC = 0x5eed_5eedL;
    static final byte KEYFRAME = 'K';
    static final byte DELTA = 'D';
    static final InetSocketAddress PUBLISHER = address("192.0.2.7", 40000);
    static final IceCredentials LOCAL_ICE = new IceCredentials("srvUfrag", "serverPasswordOf24Chars+");
    static final String REMOTE_UFRAG = "pubUfrag";
    static final String REMOTE_PWD = "publisherPassword0123456";
    static final SrtpProfile PROFILE = SrtpProfile.AES128_CM_HMAC_SHA1_80;

    /** How the simulated publisher repairs loss. */
    enum Resend {
        RTX, MEDIA_SSRC, NONE
    }

    /** What the session handed to its sink. */
    record Delivered(MediaKind kind, int seq, boolean repaired, long arrivalNanos, boolean keyframe) {
    }

    /** One RTCP datagram the publisher received: its packets in order. */
    record RtcpDatagram(long atNanos, List<RtcpPacket> packets) {
    }

    /** A direction of the network. */
    static final class Path {
        long delayNanos = 15 * MS;
        long jitterNanos;
        double loss;
        /** Which datagrams the loss applies to (default: all). */
        Predicate<byte[]> lossApplies = d -> true;
        int dropped;
    }

    private record Event(long at, long order, Runnable action) {
    }

    final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
            : Long.compare(a.order, b.order));
    private long order;
    final SplittableRandom random;
    final Path up = new Path();
    final Path down = new Path();
    final PublisherSession session;
    final List<Delivered> delivered = new ArrayList<>();
    final List<RtcpDatagram> rtcp = new ArrayList<>();
    final List<SessionEvent> events = new ArrayList<>();
    long now = T0;
    private long lastTimeoutAt = Long.MIN_VALUE;
    private boolean keyframeSeen;

    // the publisher
    Resend resend = Resend.RTX;
    boolean answersPli = true;
    private final byte[] material;
    private SrtpContext pubOut;
    private SrtpContext pubIn;
    private final RtpPacketWriter writer = new RtpPacketWriter();
    /** Sent video by sequence number: the plain packet (for RTX) and the SRTP one (resent as is on the SSRC). */
    private final Map<Integer, byte[][]> videoHistory = new HashMap<>();
    private int videoSeq = 65_000; // wraps early in every run
    private int rtxSeq = 100;
    private int audioSeq = 1;
    private long frames;
    boolean keyframeNext = true;
    private long mediaUntil = Long.MAX_VALUE;
    private long checksUntil = Long.MAX_VALUE;
    private long checkIntervalNanos = 500 * MS;
    int packetsPerFrame = 5;
    int videoPacketsSent;
    int resendsSent;
    int keyframesSent;

    SessionHarness(long seed, SessionParams params) {
        this.random = new SplittableRandom(seed);
        this.material = new byte[PROFILE.keyingMaterialLength()];
        random.nextBytes(material);
        this.session = new PublisherSession(params, this::onRtp, now, new SplittableRandom(seed + 1));
        SrtpKeyingMaterial keys = SrtpKeyingMaterial.fromDtlsExport(PROFILE, material, !params.dtlsClient());
        pubOut = keys.outboundContext();
        pubIn = keys.inboundContext();
    }

    /** Video H264-like with NACK, PLI and (if {@code rtx}) RTX, Opus audio, in the given RTCP mode. */
    static SessionParams params(boolean rtx, RtcpMode mode, Duration consent, Duration disconnect) {
        TrackParams video = new TrackParams(VIDEO_PT, rtx ? RTX_PT : -1, 90_000, true, true, true, false, false);
        TrackParams audio = new TrackParams(AUDIO_PT, -1, 48_000, false, false, false, false, false);
        return new SessionParams(LOCAL_ICE, REMOTE_UFRAG, REMOTE_PWD, consent, false, video, audio, -1, LOCAL_SSRC,
                SessionParams.randomCname(new SplittableRandom(3)), disconnect, mode);
    }

    static SessionParams params(boolean rtx, RtcpMode mode) {
        return params(rtx, mode, Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    // ---- event loop ----

    void at(long t, Runnable action) {
        queue.add(new Event(t, order++, action));
    }

    /** Runs everything due up to and including {@code until}; the session's timers fire when it asks. */
    void runUntil(long until) {
        while (true) {
            long timer = Math.max(session.nextTimeoutNanos(), lastTimeoutAt + MS);
            long next = Math.min(queue.isEmpty() ? Long.MAX_VALUE : queue.peek().at, timer);
            if (next > until) {
                now = until;
                return;
            }
            now = Math.max(now, next);
            if (!queue.isEmpty() && queue.peek().at <= now) {
                queue.poll().action.run();
            } else {
                lastTimeoutAt = now;
                session.handleTimeout(now);
                drain();
            }
        }
    }

    void runFor(long nanos) {
        runUntil(now + nanos);
    }

    private void toSession(byte[] datagram) {
        if (datagram == null || up.lossApplies.test(datagram) && random.nextDouble() < up.loss) {
            up.dropped++;
            return;
        }
        at(now + up.delayNanos + (up.jitterNanos == 0 ? 0 : random.nextLong(2 * up.jitterNanos + 1) - up.jitterNanos),
                () -> {
                    session.handleDatagram(datagram, 0, datagram.length, PUBLISHER, now);
                    drain();
                });
    }

    private void drain() {
        Transmit t;
        while ((t = session.pollTransmit()) != null) {
            byte[] d = t.data();
            if (down.lossApplies.test(d) && random.nextDouble() < down.loss) {
                down.dropped++;
                continue;
            }
            at(now + down.delayNanos, () -> toPublisher(d));
        }
        SessionEvent e;
        while ((e = session.pollEvent()) != null) {
            events.add(e);
        }
        if (keyframeSeen) {
            keyframeSeen = false;
            session.keyframeReceived(); // the media layer saw a keyframe
        }
    }

    private void onRtp(MediaKind kind, RtpPacket p, boolean repaired, long nowNanos) {
        boolean key = p.payloadLength() > 0 && p.buffer()[p.payloadOffset()] == KEYFRAME;
        delivered.add(new Delivered(kind, p.sequenceNumber(), repaired, nowNanos, key));
        keyframeSeen |= key;
    }

    // ---- the publisher ----

    /** ICE: a nominating check now, then one every {@code interval} until {@code until} (consent). */
    void connect(long interval, long until) {
        this.checkIntervalNanos = interval;
        this.checksUntil = until;
        sendCheck();
    }

    private void sendCheck() {
        byte[] txId = StunMessageWriter.newTransactionId(random);
        toSession(StunMessageWriter.iceBindingRequest(txId, LOCAL_ICE.ufrag() + ":" + REMOTE_UFRAG, 0x6e7f00ffL, 42,
                true, MessageIntegrityKey.shortTerm(LOCAL_ICE.pwd())));
        if (now + checkIntervalNanos < checksUntil) {
            at(now + checkIntervalNanos, this::sendCheck);
        }
    }

    /** One check with other credentials (an ICE restart's). */
    void checkWith(IceCredentials serverCredentials, String publisherUfrag) {
        byte[] txId = StunMessageWriter.newTransactionId(random);
        toSession(StunMessageWriter.iceBindingRequest(txId, serverCredentials.ufrag() + ":" + publisherUfrag,
                0x6e7f00ffL, 42, true, MessageIntegrityKey.shortTerm(serverCredentials.pwd())));
    }

    /** DTLS skipped: the session gets the keys now. */
    void installKeys() {
        session.installSrtpKeys(PROFILE.id(), material.clone(), now);
        drain();
    }

    /** Video at 30 fps and audio every 20 ms from now until {@code until}; an SR every second. */
    void stream(long until) {
        mediaUntil = until;
        videoFrame();
        audioPacket();
        senderReport();
    }

    void stopMedia() {
        mediaUntil = now;
    }

    private void videoFrame() {
        if (now >= mediaUntil) {
            return;
        }
        boolean key = keyframeNext;
        keyframeNext = false;
        if (key) {
            keyframesSent++;
        }
        long ts = frames * 3000;
        for (int i = 0; i < packetsPerFrame; i++) {
            byte[] payload = new byte[200];
            payload[0] = key ? KEYFRAME : DELTA;
            int seq = videoSeq;
            videoSeq = (videoSeq + 1) & 0xFFFF;
            byte[] plain = writer.payloadType(VIDEO_PT).ssrc(VIDEO_SSRC).sequenceNumber(seq).timestamp(ts)
                    .marker(i == packetsPerFrame - 1).toBytes(payload);
            byte[] srtp = protect(plain);
            videoHistory.put(seq, new byte[][] {plain, srtp});
            videoHistory.remove((seq - 1000) & 0xFFFF);
            videoPacketsSent++;
            toSession(srtp);
        }
        frames++;
        at(now + 33_333_333L, this::videoFrame);
    }

    private void audioPacket() {
        if (now >= mediaUntil) {
            return;
        }
        byte[] plain = writer.payloadType(AUDIO_PT).ssrc(AUDIO_SSRC).sequenceNumber(audioSeq).timestamp(audioSeq * 960L)
                .marker(false).toBytes(new byte[60]);
        audioSeq = (audioSeq + 1) & 0xFFFF;
        toSession(protect(plain));
        at(now + 20 * MS, this::audioPacket);
    }

    private void senderReport() {
        if (now >= mediaUntil) {
            return;
        }
        byte[] sr = RtcpWriter.toBytes(new SenderReport(VIDEO_SSRC, now << 2, frames * 3000, videoPacketsSent, 0,
                List.of()));
        byte[] buf = Arrays.copyOf(sr, sr.length + 64);
        int n = pubOut.protectRtcp(buf, 0, sr.length);
        toSession(Arrays.copyOf(buf, n));
        at(now + 1000 * MS, this::senderReport);
    }

    private byte[] protect(byte[] plain) {
        byte[] buf = Arrays.copyOf(plain, plain.length + 32);
        int n = pubOut.protectRtp(buf, 0, plain.length);
        return Arrays.copyOf(buf, n);
    }

    /** An SRTP video packet protected with the publisher's keys, for tests that send by hand. */
    byte[] videoPacket(int seq, byte kind) {
        byte[] payload = new byte[100];
        payload[0] = kind;
        return protect(writer.payloadType(VIDEO_PT).ssrc(VIDEO_SSRC).sequenceNumber(seq).timestamp(seq * 100L)
                .marker(true).toBytes(payload));
    }

    /** Sends a datagram to the session through the up path. */
    void send(byte[] datagram) {
        toSession(datagram);
    }

    private void toPublisher(byte[] d) {
        if ((d[0] & 0xC0) != 0x80) {
            return; // STUN responses
        }
        byte[] buf = d.clone();
        int n = pubIn.unprotectRtcp(buf, 0, buf.length);
        if (n < 0) {
            throw new AssertionError("publisher cannot authenticate our RTCP: " + n);
        }
        List<RtcpPacket> packets;
        try {
            packets = RtcpParser.parseCompound(buf, 0, n);
        } catch (RtcpParseException e) {
            throw new AssertionError("our RTCP does not parse", e);
        }
        rtcp.add(new RtcpDatagram(now, packets));
        for (RtcpPacket p : packets) {
            switch (p) {
                case GenericNack nack -> {
                    for (int seq : nack.lostSequenceNumbers()) {
                        resend(seq);
                    }
                }
                case PictureLossIndication pli -> keyframeNext |= answersPli;
                case FullIntraRequest fir -> keyframeNext |= answersPli;
                default -> {
                }
            }
        }
    }

    private void resend(int seq) {
        byte[][] sent = videoHistory.get(seq);
        if (sent == null || resend == Resend.NONE) {
            return;
        }
        resendsSent++;
        if (resend == Resend.MEDIA_SSRC) {
            toSession(sent[1]); // the same SRTP packet again (same index, so the same bytes)
            return;
        }
        byte[] original = sent[0];
        RtpPacket view = new RtpPacket();
        view.wrap(original, 0, original.length);
        byte[] payload = new byte[2 + view.payloadLength()];
        payload[0] = (byte) (seq >> 8);
        payload[1] = (byte) seq;
        System.arraycopy(original, view.payloadOffset(), payload, 2, view.payloadLength());
        byte[] plain = writer.payloadType(RTX_PT).ssrc(RTX_SSRC).sequenceNumber(rtxSeq).timestamp(view.timestamp())
                .marker(view.marker()).toBytes(payload);
        rtxSeq = (rtxSeq + 1) & 0xFFFF;
        toSession(protect(plain));
    }

    /** The publisher's RTP (not RTCP, STUN or DTLS) is lost at {@code rate} on the way in. */
    void loseRtp(double rate) {
        up.loss = rate;
        up.lossApplies = SessionHarness::isRtp;
    }

    /** True for SRTP media (not RTCP, not STUN): the loss of a path can be limited to it. */
    static boolean isRtp(byte[] d) {
        return (d[0] & 0xC0) == 0x80 && ((d[1] & 0xff) < 192 || (d[1] & 0xff) > 223);
    }

    // ---- reading the results ----

    List<Delivered> video() {
        return delivered.stream().filter(d -> d.kind() == MediaKind.VIDEO).toList();
    }

    <T extends RtcpPacket> List<T> rtcpOf(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (RtcpDatagram d : rtcp) {
            for (RtcpPacket p : d.packets()) {
                if (type.isInstance(p)) {
                    out.add(type.cast(p));
                }
            }
        }
        return out;
    }

    <T extends SessionEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
