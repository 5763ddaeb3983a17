package dev.ingot.bench;

import dev.ingot.rtc.dtls.DtlsCertificate;
import dev.ingot.rtc.dtls.DtlsRole;
import dev.ingot.rtc.dtls.DtlsSrtpHandshake;
import dev.ingot.rtc.dtls.DtlsSrtpResult;
import dev.ingot.rtc.dtls.ExpectedFingerprint;
import dev.ingot.rtc.ice.IceCredentials;
import dev.ingot.rtc.rtp.RtpPacketWriter;
import dev.ingot.rtc.sdp.IceCandidate;
import dev.ingot.rtc.sdp.MediaDescription;
import dev.ingot.rtc.sdp.SessionDescription;
import dev.ingot.rtc.sdp.Setup;
import dev.ingot.rtc.srtp.SrtpContext;
import dev.ingot.rtc.srtp.SrtpKeyingMaterial;
import dev.ingot.rtc.srtp.SrtpProfile;
import dev.ingot.rtc.stun.MessageIntegrityKey;
import dev.ingot.rtc.stun.StunClass;
import dev.ingot.rtc.stun.StunMessage;
import dev.ingot.rtc.stun.StunMessageWriter;
import dev.ingot.server.net.QueueDatagramTransport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WHIP publisher (RFC 9725) built from Ingot's rtc core in the client role: POSTs a browser-like offer
 * (Opus + H264 with RTX), runs ICE as the controlling agent over UDP on loopback (answering the peer's checks
 * too, so full-ICE receivers such as libnice can validate the pair), DTLS-SRTP in whichever role the answer
 * leaves it, then sends SRTP (RFC 3711) for the benchmark's pacer.
 */
public final class WhipPublisher implements AutoCloseable {
    static final int OPUS_PT = 111;
    static final int H264_PT = 96;
    static final int RTX_PT = 97;

    private final SecureRandom rng = new SecureRandom();
    private final HttpClient http;
    private final IceCredentials ice = IceCredentials.random(rng);
    private final MessageIntegrityKey localKey = MessageIntegrityKey.shortTerm(ice.pwd());
    private final DtlsCertificate cert = DtlsCertificate.generate(rng, System.currentTimeMillis() - 3_600_000);
    private final DatagramSocket socket;
    private final QueueDatagramTransport dtlsQueue;
    private final long audioSsrc;
    private final long videoSsrc;
    private final long rtxSsrc;
    private final RtpPacketWriter writer = new RtpPacketWriter();
    private final byte[] out = new byte[1500];
    private final long tieBreaker;
    private volatile InetSocketAddress server;
    private volatile boolean closed;
    private volatile int stunResponses;
    private SrtpContext srtpOut;
    private String location;
    private String serverUfrag;
    private MessageIntegrityKey serverKey;
    private int videoSeq;
    private int audioSeq;
    /** RTP packets sent, both tracks. */
    public final AtomicLong packetsSent = new AtomicLong();
    /** Datagrams the socket would not take (send errors). */
    public final AtomicLong sendErrors = new AtomicLong();
    /** RTCP packets received (receiver reports, PLI...). */
    public final AtomicLong rtcpReceived = new AtomicLong();

    public WhipPublisher(HttpClient http) throws IOException {
        this.http = http;
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSendBufferSize(1 << 20);
        dtlsQueue = new QueueDatagramTransport(DtlsRole.CLIENT, d -> send(d, 0, d.length)); // the offer is actpass: Ingot answers passive
        audioSsrc = rng.nextInt() & 0xFFFF_FFFFL;
        videoSsrc = rng.nextInt() & 0xFFFF_FFFFL;
        rtxSsrc = rng.nextInt() & 0xFFFF_FFFFL;
        videoSeq = rng.nextInt(0x10000);
        audioSeq = rng.nextInt(0x10000);
        tieBreaker = rng.nextLong();
    }

    /** The offer: audio then video (H264 constrained baseline + RTX), actpass, like a browser. */
    public String offer() {
        String fp = "a=fingerprint:sha-256 " + cert.fingerprintSha256() + "\r\n";
        String common = "c=IN IP4 0.0.0.0\r\na=ice-ufrag:" + ice.ufrag() + "\r\na=ice-pwd:" + ice.pwd() + "\r\n" + fp
                + "a=setup:" + Setup.ACTPASS.name().toLowerCase() + "\r\na=sendonly\r\na=rtcp-mux\r\n";
        return "v=0\r\no=- " + (rng.nextLong() & Long.MAX_VALUE) + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0 1\r\na=msid-semantic: WMS bench\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" + common + "a=mid:0\r\n"
                + "a=msid:bench audio\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
                + "a=ssrc:" + audioSsrc + " cname:bench\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n" + common + "a=mid:1\r\na=rtcp-rsize\r\n"
                + "a=msid:bench video\r\n"
                + "a=rtpmap:96 H264/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 ccm fir\r\n"
                + "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
                + "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
                + "a=ssrc-group:FID " + videoSsrc + " " + rtxSsrc + "\r\n"
                + "a=ssrc:" + videoSsrc + " cname:bench\r\na=ssrc:" + rtxSsrc + " cname:bench\r\n";
    }

    /** POSTs the offer; returns the HTTP response (201 with the answer when accepted). */
    public HttpResponse<String> post(String whipUrl, String token, String offer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(whipUrl)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(offer));
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201) {
            location = URI.create(whipUrl).resolve(r.headers().firstValue("location").orElseThrow()).toString();
        }
        return r;
    }

    /** ICE + DTLS against the answer; returns once SRTP keys are in place. */
    public void connect(String answerSdp, Duration timeout) throws Exception {
        SessionDescription answer = SessionDescription.parse(answerSdp);
        MediaDescription m = answer.media().get(0);
        serverUfrag = answer.iceUfragFor(m).orElseThrow();
        serverKey = MessageIntegrityKey.shortTerm(answer.icePwdFor(m).orElseThrow());
        List<IceCandidate> udp = answer.media().stream().flatMap(md -> md.candidates().stream())
                .filter(IceCandidate::isUdp).filter(x -> x.address().startsWith("127.")).toList();
        if (udp.isEmpty()) {
            throw new IllegalStateException("the answer has no UDP candidate on 127.0.0.0/8");
        }
        server = new InetSocketAddress(udp.get(0).address(), udp.get(0).port());
        Setup theirSetup = answer.setupFor(m).orElseThrow();
        Thread.ofPlatform().daemon().name("bench-publisher-reader").start(this::readLoop);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stunResponses == 0) {
            sendBindingRequest();
            Thread.sleep(20);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no STUN response from " + server);
            }
        }
        List<ExpectedFingerprint> expected = answer.fingerprintsFor(m).stream()
                .map(f -> new ExpectedFingerprint(f.hashFunction(), f.digest())).toList();
        DtlsRole role = theirSetup == Setup.PASSIVE ? DtlsRole.CLIENT : DtlsRole.SERVER;
        DtlsSrtpResult result = DtlsSrtpHandshake.handshake(role, dtlsQueue, cert, expected, rng);
        SrtpProfile profile = SrtpProfile.fromId(result.srtpProtectionProfileId());
        synchronized (this) {
            srtpOut = SrtpKeyingMaterial.fromDtlsExport(profile, result.keyingMaterial(), role == DtlsRole.CLIENT)
                    .outboundContext();
        }
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[2048];
            try {
                while (!closed) {
                    result.transport().receive(buf, 0, buf.length, 1000); // keeps DTLS alerts flowing
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    /** One nominating binding request: the first checks, then consent freshness (RFC 7675). */
    public void sendBindingRequest() {
        if (serverUfrag == null) {
            return;
        }
        byte[] req = StunMessageWriter.iceBindingRequest(StunMessageWriter.newTransactionId(rng),
                serverUfrag + ":" + ice.ufrag(), 0x6e7f1eff, tieBreaker, true, serverKey);
        send(req, 0, req.length);
    }

    private void readLoop() {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            int first = buf[0] & 0xff;
            if (first <= 3) {
                onStun(buf, p.getLength(), (InetSocketAddress) p.getSocketAddress());
            } else if (first >= 20 && first <= 63) {
                dtlsQueue.offer(buf, 0, p.getLength());
            } else if (first >= 128 && first <= 191) {
                rtcpReceived.incrementAndGet();
            }
        }
    }

    private void onStun(byte[] buf, int len, InetSocketAddress from) {
        try {
            StunMessage msg = StunMessage.parse(buf, 0, len);
            if (msg.messageClass() == StunClass.SUCCESS_RESPONSE) {
                stunResponses++;
            } else if (msg.isBindingRequest()) {
                // a full-ICE peer's check (libnice): answer it so that its side of the pair succeeds
                byte[] res = StunMessageWriter.bindingSuccessResponse(msg, from, localKey);
                socket.send(new DatagramPacket(res, res.length, from));
            }
        } catch (Exception e) {
            // not for us
        }
    }

    private void send(byte[] d, int off, int len) {
        try {
            socket.send(new DatagramPacket(d, off, len, server));
        } catch (IOException e) {
            sendErrors.incrementAndGet();
        }
    }

    /** Sends one SRTP packet; {@code video} picks the track. Called by the pacer thread. */
    public synchronized void sendRtp(boolean video, byte[] payload, long timestamp, boolean marker) {
        if (srtpOut == null || closed) {
            return;
        }
        writer.clearExtensions().payloadType(video ? H264_PT : OPUS_PT).ssrc(video ? videoSsrc : audioSsrc)
                .sequenceNumber(video ? videoSeq++ & 0xffff : audioSeq++ & 0xffff)
                .timestamp(timestamp & 0xFFFF_FFFFL).marker(marker);
        int n = writer.write(payload, 0, payload.length, out, 0);
        int m = srtpOut.protectRtp(out, 0, n);
        send(out, 0, m);
        packetsSent.incrementAndGet();
    }

    /** DELETEs the WHIP session (ends it at the receiver); quietly does nothing when there is none. */
    public void delete(String token) {
        if (location == null) {
            return;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(5)).DELETE();
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            http.send(b.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the receiver may be gone already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        dtlsQueue.close();
        socket.close();
    }
}
