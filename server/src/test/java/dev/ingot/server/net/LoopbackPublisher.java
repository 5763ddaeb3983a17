package dev.ingot.server.net;

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
import dev.ingot.rtc.stun.StunMessage;
import dev.ingot.rtc.stun.StunMessageWriter;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WHIP publisher made of Ingot's own rtc core in the client role: it POSTs a browser-like offer, runs ICE
 * (controlling, nominating), DTLS in whichever role the answer leaves it, and sends SRTP. For tests and load
 * generation over real UDP on loopback.
 */
public final class LoopbackPublisher implements AutoCloseable {
    public static final int OPUS_PT = 111;
    public static final int H264_PT = 96;
    public static final int RTX_PT = 97;
    public static final long AUDIO_SSRC = 0x11111111L;
    public static final long VIDEO_SSRC = 0x22222222L;
    public static final long RTX_SSRC = 0x33333333L;

    private final SecureRandom rng = new SecureRandom();
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile IceCredentials ice = IceCredentials.random(rng);
    private final DtlsCertificate cert = DtlsCertificate.generate(rng, System.currentTimeMillis() - 3_600_000);
    private final DatagramSocket socket;
    private volatile QueueDatagramTransport dtlsQueue;
    private volatile InetSocketAddress server;
    private volatile boolean closed;
    private Thread reader;
    private SrtpContext srtpOut;
    private String location;
    private volatile String serverUfrag;
    private volatile MessageIntegrityKey serverKey;
    public final AtomicInteger stunResponses = new AtomicInteger();
    public final AtomicInteger rtcpReceived = new AtomicInteger();
    private final RtpPacketWriter writer = new RtpPacketWriter();
    private final byte[] out = new byte[1500];
    private int videoSeq = 1000;
    private int audioSeq = 5000;

    public LoopbackPublisher() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    /** The offer: audio then video (H264 + RTX), like a browser; {@code setup} actpass or passive (as FFmpeg). */
    public String offer(Setup setup) {
        String fp = "a=fingerprint:sha-256 " + cert.fingerprintSha256() + "\r\n";
        String common = "c=IN IP4 0.0.0.0\r\na=ice-ufrag:" + ice.ufrag() + "\r\na=ice-pwd:" + ice.pwd() + "\r\n" + fp
                + "a=setup:" + setup.name().toLowerCase() + "\r\na=sendonly\r\na=rtcp-mux\r\n";
        return "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                + "a=msid-semantic: WMS\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" + common + "a=mid:0\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
                + "a=ssrc:" + AUDIO_SSRC + " cname:loopback\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n" + common + "a=mid:1\r\na=rtcp-rsize\r\n"
                + "a=rtpmap:96 H264/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 ccm fir\r\n"
                + "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
                + "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
                + "a=ssrc-group:FID " + VIDEO_SSRC + " " + RTX_SSRC + "\r\n"
                + "a=ssrc:" + VIDEO_SSRC + " cname:loopback\r\na=ssrc:" + RTX_SSRC + " cname:loopback\r\n";
    }

    /** POSTs the offer; returns the HTTP response (201 with the answer when accepted). */
    public HttpResponse<String> post(String whipUrl, String token, String offer) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(whipUrl)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/sdp").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(offer)).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201) {
            location = URI.create(whipUrl).resolve(r.headers().firstValue("location").orElseThrow()).toString();
        }
        return r;
    }

    public String location() {
        return location;
    }

    /** ICE + DTLS against the answer; returns once SRTP keys are in place. */
    public void connect(String answerSdp, Duration timeout) throws Exception {
        SessionDescription answer = SessionDescription.parse(answerSdp);
        MediaDescription m = answer.media().get(0);
        serverUfrag = answer.iceUfragFor(m).orElseThrow();
        serverKey = MessageIntegrityKey.shortTerm(answer.icePwdFor(m).orElseThrow());
        IceCandidate c = answer.media().stream().flatMap(md -> md.candidates().stream())
                .filter(IceCandidate::isUdp).filter(x -> x.address().startsWith("127.")).findFirst().orElseThrow();
        server = new InetSocketAddress(c.address(), c.port());
        Setup theirSetup = answer.setupFor(m).orElseThrow();
        reader = Thread.ofPlatform().daemon().name("loopback-publisher-reader").start(this::readLoop);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stunResponses.get() == 0) {
            sendBindingRequest();
            Thread.sleep(50);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no STUN response from " + server);
            }
        }
        List<ExpectedFingerprint> expected = answer.fingerprintsFor(m).stream()
                .map(f -> new ExpectedFingerprint(f.hashFunction(), f.digest())).toList();
        DtlsRole role = theirSetup == Setup.PASSIVE ? DtlsRole.CLIENT : DtlsRole.SERVER;
        QueueDatagramTransport dtlsQueue = new QueueDatagramTransport(role, d -> send(d, 0, d.length));
        this.dtlsQueue = dtlsQueue;
        DtlsSrtpResult result = DtlsSrtpHandshake.handshake(role, dtlsQueue, cert, expected, rng);
        SrtpProfile profile = SrtpProfile.fromId(result.srtpProtectionProfileId());
        srtpOut = SrtpKeyingMaterial.fromDtlsExport(profile, result.keyingMaterial(), role == DtlsRole.CLIENT)
                .outboundContext();
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[2048];
            try {
                while (!closed) {
                    result.transport().receive(buf, 0, buf.length, 1000);
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    /** One consent-refreshing binding request (nominating). */
    public void sendBindingRequest() {
        byte[] req = StunMessageWriter.iceBindingRequest(StunMessageWriter.newTransactionId(rng),
                serverUfrag + ":" + ice.ufrag(), 0x6e7f1eff, rng.nextLong(), true, serverKey);
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
                try {
                    if (StunMessage.parse(buf, 0, p.getLength()).messageClass()
                            == dev.ingot.rtc.stun.StunClass.SUCCESS_RESPONSE) {
                        stunResponses.incrementAndGet();
                    }
                } catch (Exception e) {
                    // ignore
                }
            } else if (first >= 20 && first <= 63) {
                QueueDatagramTransport q = dtlsQueue;
                if (q != null) {
                    q.offer(buf, 0, p.getLength());
                }
            } else if (first >= 128 && first <= 191) {
                rtcpReceived.incrementAndGet();
            }
        }
    }

    private void send(byte[] d, int off, int len) {
        try {
            socket.send(new DatagramPacket(d, off, len, server));
        } catch (IOException e) {
            // the test sees the consequences
        }
    }

    /** Sends one SRTP packet of the given payload; {@code video} picks the track. */
    public synchronized void sendRtp(boolean video, byte[] payload, long timestamp, boolean marker) {
        writer.clearExtensions().payloadType(video ? H264_PT : OPUS_PT).ssrc(video ? VIDEO_SSRC : AUDIO_SSRC)
                .sequenceNumber(video ? videoSeq++ & 0xffff : audioSeq++ & 0xffff).timestamp(timestamp).marker(marker);
        int n = writer.write(payload, 0, payload.length, out, 0);
        int m = srtpOut.protectRtp(out, 0, n);
        send(out, 0, m);
    }

    /** Sends a packet whose authentication tag is wrong (an attacker's or a broken sender's). */
    public synchronized void sendForgedRtp(byte[] payload) {
        writer.clearExtensions().payloadType(H264_PT).ssrc(VIDEO_SSRC).sequenceNumber(videoSeq++ & 0xffff)
                .timestamp(1).marker(false);
        int n = writer.write(payload, 0, payload.length, out, 0);
        int m = srtpOut.protectRtp(out, 0, n);
        out[m - 1] ^= 0x55;
        send(out, 0, m);
    }

    /**
     * ICE restart (RFC 9725 §4.3.1): PATCHes fresh credentials to the session URL; on 200 the answer's new server
     * credentials are used for every binding request from then on (same socket, so media keeps its address).
     */
    public HttpResponse<String> restartIce(String token, String ifMatch) throws IOException, InterruptedException {
        IceCredentials fresh = IceCredentials.random(rng);
        HttpRequest req = HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/trickle-ice-sdpfrag").header("Authorization", "Bearer " + token)
                .header("If-Match", ifMatch)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                        "a=ice-ufrag:" + fresh.ufrag() + "\r\na=ice-pwd:" + fresh.pwd() + "\r\n"))
                .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
            String ufrag = null;
            String pwd = null;
            for (String line : r.body().split("\r?\n")) {
                if (line.startsWith("a=ice-ufrag:")) {
                    ufrag = line.substring("a=ice-ufrag:".length()).strip();
                } else if (line.startsWith("a=ice-pwd:")) {
                    pwd = line.substring("a=ice-pwd:".length()).strip();
                }
            }
            ice = fresh;
            serverUfrag = java.util.Objects.requireNonNull(ufrag, "no a=ice-ufrag in the restart answer");
            serverKey = MessageIntegrityKey.shortTerm(java.util.Objects.requireNonNull(pwd, "no a=ice-pwd"));
        }
        return r;
    }

    public HttpResponse<String> delete(String token) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).DELETE().build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        closed = true;
        if (dtlsQueue != null) {
            dtlsQueue.close();
        }
        socket.close();
        http.shutdownNow(); // its selector thread and file descriptors, not left for the GC
    }
}
