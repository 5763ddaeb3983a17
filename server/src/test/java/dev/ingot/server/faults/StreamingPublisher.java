package dev.ingot.server.faults;

import dev.ingot.rtc.sdp.Setup;
import dev.ingot.server.net.LoopbackPublisher;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link LoopbackPublisher} that keeps publishing on its own thread: synthetic SRTP video and audio at a steady
 * rate (about {@code videoPps * videoPayload * 8} bit/s of video, none when {@code videoPps} is 0, plus 64 kbit/s
 * of Opus-sized audio) and an ICE
 * consent check every {@code consentIntervalMs} (from the moment ICE answers, so a short consent timeout does not
 * expire during the DTLS handshake). For fault tests and the churn/soak tool.
 */
public final class StreamingPublisher implements AutoCloseable {
    public final LoopbackPublisher pub;
    public final String token;
    private final int videoPps;
    private final int videoPayload;
    private final long consentIntervalNanos;
    private final Thread thread;
    private volatile boolean mediaOn;
    private volatile boolean stopped;
    private volatile String etag;

    private StreamingPublisher(LoopbackPublisher pub, String token, int videoPps, int videoPayload,
            long consentIntervalMs) {
        this.pub = pub;
        this.token = token;
        this.videoPps = videoPps;
        this.videoPayload = videoPayload;
        this.consentIntervalNanos = consentIntervalMs * 1_000_000L;
        this.thread = Thread.ofPlatform().daemon().name("streaming-publisher").unstarted(this::run);
    }

    /** About 1 Mbit/s: 100 video packets of 1100 bytes and 50 audio packets of 160 bytes a second. */
    public static StreamingPublisher start(String whipUrl, String token, Setup setup, long consentIntervalMs)
            throws Exception {
        return start(whipUrl, token, setup, consentIntervalMs, 100, 1100);
    }

    /** POSTs, connects (ICE, DTLS), then streams until {@link #close}; throws if the offer is not accepted. */
    public static StreamingPublisher start(String whipUrl, String token, Setup setup, long consentIntervalMs,
            int videoPps, int videoPayload) throws Exception {
        LoopbackPublisher pub = new LoopbackPublisher();
        try {
            HttpResponse<String> r = pub.post(whipUrl, token, pub.offer(setup));
            if (r.statusCode() != 201) {
                throw new IllegalStateException("POST " + whipUrl + " -> " + r.statusCode() + " " + r.body());
            }
            StreamingPublisher s = new StreamingPublisher(pub, token, videoPps, videoPayload, consentIntervalMs);
            s.etag = r.headers().firstValue("etag").orElseThrow();
            s.thread.start();
            pub.connect(r.body(), Duration.ofSeconds(15));
            s.mediaOn = true;
            return s;
        } catch (Exception | Error e) {
            pub.close();
            throw e;
        }
    }

    public String etag() {
        return etag;
    }

    /** ICE restart through the publisher; remembers the new ETag on 200. */
    public HttpResponse<String> restartIce() throws IOException, InterruptedException {
        HttpResponse<String> r = pub.restartIce(token, etag);
        if (r.statusCode() == 200) {
            etag = r.headers().firstValue("etag").orElseThrow();
        }
        return r;
    }

    private void run() {
        long now = System.nanoTime();
        long videoInterval = 1_000_000_000L / Math.max(1, videoPps);
        long nextVideo = now;
        long nextAudio = now;
        long nextConsent = now;
        long videoTs = 0;
        long audioTs = 0;
        int videoInFrame = 0;
        int packetsPerFrame = Math.max(1, videoPps / 30);
        byte[] video = new byte[videoPayload];
        byte[] audio = new byte[160];
        while (!stopped) {
            now = System.nanoTime();
            if (now - nextConsent >= 0) {
                if (pub.stunResponses.get() > 0) { // connect() has the answer's credentials and address
                    pub.sendBindingRequest();
                }
                nextConsent = now + consentIntervalNanos;
            }
            if (mediaOn) {
                if (videoPps > 0 && now - nextVideo >= 0) {
                    videoInFrame++;
                    boolean marker = videoInFrame == packetsPerFrame;
                    video[0] = (byte) 0x5c; // FU-A indicator-like first byte: not a keyframe, never decoded as one
                    pub.sendRtp(true, video, videoTs, marker);
                    if (marker) {
                        videoInFrame = 0;
                        videoTs += 3000;
                    }
                    nextVideo += videoInterval;
                }
                if (now - nextAudio >= 0) {
                    pub.sendRtp(false, audio, audioTs, false);
                    audioTs += 960;
                    nextAudio += 20_000_000L;
                }
            } else {
                nextVideo = now;
                nextAudio = now;
            }
            long nextMedia = videoPps > 0 ? Math.min(nextVideo, nextAudio) : nextAudio;
            long next = Math.min(nextConsent, mediaOn ? nextMedia : now + 5_000_000L);
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                LockSupport.parkNanos(sleep);
            }
        }
    }

    /** Stops sending (media and consent) without DELETE: to the server, the publisher vanished. */
    public void vanish() {
        stopped = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pub.close();
    }

    /** DELETE, then stop. Returns the DELETE status. */
    public int deleteAndClose() throws IOException, InterruptedException {
        stopped = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int status = pub.delete(token).statusCode();
        pub.close();
        return status;
    }

    @Override
    public void close() {
        vanish();
    }
}
