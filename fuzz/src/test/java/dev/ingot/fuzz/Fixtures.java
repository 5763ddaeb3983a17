package dev.ingot.fuzz;

import dev.ingot.rtc.ice.IceCredentials;
import dev.ingot.rtc.sdp.Fingerprint;
import dev.ingot.rtc.sdp.H264Profile;
import dev.ingot.rtc.sdp.IceCandidate;
import dev.ingot.rtc.sdp.LocalTransport;
import dev.ingot.rtc.sdp.VideoCodec;
import dev.ingot.rtc.sdp.VideoCodecChoice;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/** Fixed values the fuzz targets share: our ICE credentials, peer addresses, the SDP answerer's transport. */
final class Fixtures {
    /** Our ICE credentials (what the SDP answer announced). */
    static final IceCredentials LOCAL_ICE = new IceCredentials("srvUfrag", "serverPasswordOf24Chars+");
    /** Our credentials after an ICE restart. */
    static final IceCredentials RESTART_ICE = new IceCredentials("rstUfrag", "restartPasswordOf24Chr+");
    /** The publisher's ufrag and pwd from its offer. */
    static final String REMOTE_UFRAG = "pubU";
    static final String REMOTE_PWD = "publisherPasswordXXXXXX";

    /** Where datagrams come from: two IPv4 peers, an IPv6 peer, and an unresolved address. */
    static final List<InetSocketAddress> PEERS = List.of(
            address("192.0.2.10", 50000),
            address("198.51.100.20", 50001),
            address("2001:db8::beef", 40000),
            InetSocketAddress.createUnresolved("peer.invalid", 5000));

    static final long T0 = 1_000_000_000L;
    static final long MILLI = 1_000_000L;

    private Fixtures() {
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static InetSocketAddress peer(int selector) {
        return PEERS.get(selector % PEERS.size());
    }

    /** Our side of an SDP answer: ICE-lite, one UDP and one TCP host candidate on loopback. */
    static LocalTransport localTransport() {
        return LocalTransport.iceLite("ingotUfrag1", "ingotPasswordOf24Chars00",
                new Fingerprint("sha-256", HexFormat.of().parseHex(
                        "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90")),
                List.of(IceCandidate.host("1", "udp", 2130706431L, "127.0.0.1", 40000),
                        IceCandidate.host("2", "tcp", 1518280447L, "127.0.0.1", 40001)));
    }

    /** Decoder preference lists the server resolves: Smelter's "any", H.264 only, and a GPU H.264 subset. */
    static final List<List<VideoCodecChoice>> PREFERENCES = List.of(
            List.of(VideoCodecChoice.of(VideoCodec.VP9), VideoCodecChoice.of(VideoCodec.VP8),
                    VideoCodecChoice.of(VideoCodec.H264)),
            List.of(VideoCodecChoice.of(VideoCodec.H264)),
            List.of(VideoCodecChoice.h264(EnumSet.of(H264Profile.values()[0])), VideoCodecChoice.of(VideoCodec.VP8)));

    /**
     * A SecureRandom whose output depends only on its seed, so that a finding replays exactly (Bouncy Castle's
     * handshake draws its randoms and key shares from it).
     */
    static SecureRandom deterministicRandom(long seed) {
        return new DeterministicRandom(seed);
    }

    private static final class DeterministicRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final SplittableRandom random;

        DeterministicRandom(long seed) {
            super(new byte[0]);
            this.random = new SplittableRandom(seed);
        }

        @Override
        public void nextBytes(byte[] bytes) {
            random.nextBytes(bytes);
        }

        @Override
        public byte[] generateSeed(int numBytes) {
            byte[] out = new byte[numBytes];
            random.nextBytes(out);
            return out;
        }

        @Override
        public int nextInt() {
            return random.nextInt();
        }

        @Override
        public int nextInt(int bound) {
            return random.nextInt(bound);
        }

        @Override
        public long nextLong() {
            return random.nextLong();
        }

        @Override
        public void setSeed(long seed) {
            // The seed is fixed at construction; SecureRandom's constructor calls this before the field is set.
        }

        @Override
        public void setSeed(byte[] seed) {
        }
    }
}
