package dev.ingot.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.rtc.rtcp.RtcpParseException;
import dev.ingot.rtc.rtcp.RtcpParser;
import dev.ingot.rtc.rtp.RtpPacket;
import dev.ingot.rtc.session.MediaKind;
import dev.ingot.rtc.session.PublisherSession;
import dev.ingot.rtc.session.SessionCounters;
import dev.ingot.rtc.session.SessionEvent;
import dev.ingot.rtc.session.SessionParams;
import dev.ingot.rtc.session.TrackParams;
import dev.ingot.rtc.session.Transmit;
import dev.ingot.rtc.srtp.SrtpContext;
import dev.ingot.rtc.srtp.SrtpKeyingMaterial;
import dev.ingot.rtc.srtp.SrtpProfile;
import dev.ingot.rtc.stun.StunMessage;
import dev.ingot.rtc.stun.StunParseException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The server's per-publisher datagram entry point, {@link PublisherSession#handleDatagram}: it demultiplexes STUN,
 * DTLS and SRTP/SRTCP by the first byte (RFC 7983) and must never throw, whatever arrives from whom. Two targets:
 * raw datagrams into a session that is already connected and keyed (so every branch is live), and a program of
 * publisher actions in which the harness plays an honest publisher's crypto (signed STUN checks, SRTP keys from a
 * "DTLS export", SRTP/SRTCP protected with them) so that the fuzzer reaches RTP/RTCP handling behind the checks it
 * cannot forge.
 */
class SessionFuzzTest {
    private static final int VIDEO_PT = 96;
    private static final int VIDEO_RTX_PT = 97;
    private static final int AUDIO_PT = 111;
    private static final int TRANSPORT_CC_ID = 3;

    /** Raw datagrams (16-bit length-prefixed) from the four peers into a connected, keyed session. */
    @FuzzTest
    void handleDatagram(byte[] data) {
        Harness h = new Harness(0b1111, 0);
        h.connect(Fixtures.PEERS.get(0));
        h.installKeys(SrtpProfile.AES128_CM_HMAC_SHA1_80, 1);
        FuzzBytes in = new FuzzBytes(data);
        int steps = 0;
        while (in.hasMore() && steps++ < 64) {
            int from = in.u8();
            h.now += (from >>> 2) * Fixtures.MILLI;
            h.datagram(in.chunk(), Fixtures.peer(from));
        }
        h.session.handleTimeout(h.now);
        h.drain();
    }

    /**
     * A publisher's session as a program: each step is a raw datagram, a signed STUN check, SRTP keys, an SRTP or
     * SRTCP packet the harness protects with the publisher's keys, a timer tick, an ICE restart or a close.
     */
    @FuzzTest
    void publisherProgram(byte[] data) {
        run(data);
    }

    /** The seed program really gets through ICE, keys, media, RTX and RTCP (so the seed layout has not drifted). */
    @Test
    void seedProgramReachesMedia() throws IOException {
        byte[] seed;
        try (InputStream in = getClass().getResourceAsStream("SessionFuzzTestInputs/publisherProgram/connect-key-media")) {
            seed = in.readAllBytes();
        }
        SessionCounters.Snapshot c = run(seed).session.counters();
        assertThat(c.videoPackets()).as("video packets").isEqualTo(2);
        assertThat(c.videoRtxPackets()).as("RTX unwrapped").isEqualTo(1);
        assertThat(c.audioPackets()).as("audio packets").isEqualTo(1);
        assertThat(c.rtcpPackets()).as("RTCP received").isEqualTo(1);
        assertThat(c.rtcpSent()).as("RTCP sent").isPositive();
        assertThat(c.dtlsRecords()).as("DTLS records").isEqualTo(1);
    }

    private static Harness run(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        Harness h = new Harness(in.u8(), in.u8());
        int steps = 0;
        while (in.hasMore() && steps++ < 128) {
            int op = in.u8();
            h.now += (long) in.u8() * 10 * Fixtures.MILLI;
            InetSocketAddress from = Fixtures.peer(op >>> 6);
            switch (op & 7) {
                case 0 -> h.datagram(in.chunk(), from);
                case 1 -> h.datagram(StunRequests.build(in), from);
                case 2 -> h.installKeys(SrtpProfile.values()[(op >>> 3) % SrtpProfile.values().length], in.u32());
                case 3 -> h.rtp(in, from, op);
                case 4 -> h.rtcp(in.chunk(), from);
                case 5 -> {
                    if ((op & 8) != 0) {
                        h.session.requestKeyframe(h.now);
                    } else {
                        h.session.handleTimeout(h.now);
                    }
                }
                case 6 -> h.session.ice().restart(Fixtures.RESTART_ICE, Fixtures.REMOTE_UFRAG, Fixtures.REMOTE_PWD);
                default -> {
                    if ((op & 0x38) == 0x38) {
                        h.session.close("fuzz");
                    } else {
                        h.session.handleTimeout(h.now);
                    }
                }
            }
            h.drain();
        }
        return h;
    }

    /** One session plus the publisher-side crypto the harness plays. */
    private static final class Harness {
        final PublisherSession session;
        final boolean dtlsClient;
        long now = Fixtures.T0;
        /** The publisher's SRTP contexts: outbound protects what it sends, inbound reads our RTCP. */
        SrtpContext publisherOut;
        SrtpContext publisherIn;
        private final byte[] scratch = new byte[2048];
        private final RtpPacket view = new RtpPacket();

        Harness(int tracks, int options) {
            TrackParams video = (tracks & 1) == 0 ? null : new TrackParams(VIDEO_PT, (tracks & 2) == 0 ? -1 : VIDEO_RTX_PT,
                    90_000, (options & 1) != 0, (options & 2) != 0, (options & 4) != 0, (options & 8) != 0,
                    (options & 16) != 0);
            TrackParams audio = (tracks & 4) == 0 ? null : new TrackParams(AUDIO_PT, -1, 48_000, false, false, false,
                    false, (options & 16) != 0);
            dtlsClient = (tracks & 8) != 0;
            SessionParams params = new SessionParams(Fixtures.LOCAL_ICE, Fixtures.REMOTE_UFRAG, Fixtures.REMOTE_PWD,
                    Duration.ofSeconds(30), dtlsClient, video, audio, (options & 16) != 0 ? TRANSPORT_CC_ID : -1,
                    0x1234_5678L, "ingot-fuzz");
            session = new PublisherSession(params, this::onRtp, now);
        }

        private void onRtp(MediaKind kind, RtpPacket packet, boolean retransmitted, long nowNanos) {
            TrackParams track = kind == MediaKind.VIDEO ? session.params().video() : session.params().audio();
            assertThat(track).as("media only for negotiated tracks").isNotNull();
            assertThat(packet.payloadType()).as("RTX arrives unwrapped, with the primary payload type")
                    .isEqualTo(track.payloadType());
            assertThat(packet.version()).isEqualTo(2);
            assertThat(packet.payloadOffset() + packet.payloadLength() + packet.paddingLength())
                    .isEqualTo(packet.offset() + packet.length());
            packet.transportSequenceNumber(TRANSPORT_CC_ID);
        }

        void connect(InetSocketAddress from) {
            byte[] check = StunRequests.build(new FuzzBytes(new byte[] {0, 0x10}));
            session.handleDatagram(check, 0, check.length, from, now);
            drain();
            assertThat(session.remoteAddress()).isEqualTo(from);
        }

        /** As if DTLS had exported keying material: install it in the session, and keep the publisher's side. */
        void installKeys(SrtpProfile profile, long seed) {
            byte[] material = new byte[profile.keyingMaterialLength()];
            new SplittableRandom(seed).nextBytes(material);
            session.installSrtpKeys(profile.id(), material, now);
            SrtpKeyingMaterial publisher = SrtpKeyingMaterial.fromDtlsExport(profile, material, !dtlsClient);
            publisherOut = publisher.outboundContext();
            publisherIn = publisher.inboundContext();
        }

        void datagram(byte[] bytes, InetSocketAddress from) {
            // At an offset inside a larger buffer, as a receive loop would hand it over.
            byte[] buf = new byte[bytes.length + 24];
            Arrays.fill(buf, (byte) 0xA5);
            System.arraycopy(bytes, 0, buf, 8, bytes.length);
            session.handleDatagram(buf, 8, bytes.length, from, now);
        }

        /** An RTP packet from the fuzzer, made version 2 with a payload type the session knows, then protected. */
        void rtp(FuzzBytes in, InetSocketAddress from, int op) {
            byte[] packet = in.chunk();
            if (publisherOut == null || packet.length < RtpPacket.FIXED_HEADER_LENGTH) {
                datagram(packet, from);
                return;
            }
            packet[0] = (byte) (0x80 | (packet[0] & 0x3F));
            int pt = switch ((op >>> 3) & 3) {
                case 0 -> VIDEO_PT;
                case 1 -> VIDEO_RTX_PT;
                case 2 -> AUDIO_PT;
                default -> packet[1] & 0x7F;
            };
            packet[1] = (byte) ((packet[1] & 0x80) | pt);
            protectAndSend(packet, from, false);
        }

        void rtcp(byte[] packet, InetSocketAddress from) {
            if (publisherOut == null || packet.length < 8) {
                datagram(packet, from);
                return;
            }
            packet[0] = (byte) (0x80 | (packet[0] & 0x3F));
            packet[1] = (byte) (192 + (packet[1] & 0x1F)); // RTCP packet types 192..223 (RFC 5761 §4)
            protectAndSend(packet, from, true);
        }

        private void protectAndSend(byte[] packet, InetSocketAddress from, boolean rtcp) {
            int len = Math.min(packet.length, 1400);
            System.arraycopy(packet, 0, scratch, 0, len);
            int n = rtcp ? publisherOut.protectRtcp(scratch, 0, len) : publisherOut.protectRtp(scratch, 0, len);
            if (n < 0) {
                return;
            }
            datagram(Arrays.copyOf(scratch, n), from);
        }

        /** Takes what the session wants to send and its events, and checks them. */
        void drain() {
            Transmit t;
            while ((t = session.pollTransmit()) != null) {
                assertThat(t.to()).isNotNull();
                byte[] d = t.data();
                int first = d[0] & 0xFF;
                if (first <= 3) {
                    try {
                        StunMessage.parse(d, 0, d.length);
                    } catch (StunParseException e) {
                        throw new AssertionError("the session sent a malformed STUN message", e);
                    }
                } else {
                    assertThat(first).as("the session sends only STUN and SRTCP").isBetween(128, 191);
                    assertThat(publisherIn).isNotNull();
                    byte[] copy = d.clone();
                    int n = publisherIn.unprotectRtcp(copy, 0, copy.length);
                    assertThat(n).as("our SRTCP unprotects with the publisher's keys").isPositive();
                    try {
                        RtcpParser.parseCompound(copy, 0, n);
                    } catch (RtcpParseException e) {
                        throw new AssertionError("our RTCP does not parse", e);
                    }
                }
            }
            SessionEvent e;
            while ((e = session.pollEvent()) != null) {
                assertThat(e).isNotNull();
            }
            session.counters();
            session.nextTimeoutNanos();
            session.srtpReady();
            session.iceState();
            session.feedback().lossFigures(MediaKind.VIDEO);
            session.feedback().lossFigures(MediaKind.AUDIO);
            session.feedback().keyframeRequests();
        }
    }
}
