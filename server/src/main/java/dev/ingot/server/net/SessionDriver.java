package dev.ingot.server.net;

import dev.ingot.rtc.dtls.DtlsCertificate;
import dev.ingot.rtc.dtls.DtlsHandshakeException;
import dev.ingot.rtc.dtls.DtlsRole;
import dev.ingot.rtc.dtls.DtlsSrtpHandshake;
import dev.ingot.rtc.dtls.DtlsSrtpResult;
import dev.ingot.rtc.dtls.ExpectedFingerprint;
import dev.ingot.rtc.session.PublisherSession;
import dev.ingot.rtc.session.SessionEvent;
import dev.ingot.rtc.session.Transmit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.bouncycastle.tls.DTLSTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link PublisherSession}: datagrams from the socket's reader thread, a timer thread for its
 * deadlines, and a DTLS thread running Bouncy Castle's blocking handshake (and, after it, reading the
 * association for retransmissions and close_notify). Every call into the session holds one lock, so the
 * sans-IO core sees one caller at a time.
 */
public final class SessionDriver implements DatagramHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SessionDriver.class);
    private static final long MAX_TIMER_SLEEP_NANOS = 50_000_000L;

    /** What the driver reports to its owner. */
    public interface Listener {
        void onIceConnected(SessionDriver d, InetSocketAddress remote);

        void onSrtpReady(SessionDriver d, String profile);

        void onClosed(SessionDriver d, String reason);

        /** The publisher went silent for the disconnect timeout: a new offer may replace the session. */
        default void onDisconnected(SessionDriver d) {
        }

        /** Traffic from the publisher again after {@link #onDisconnected}. */
        default void onReconnected(SessionDriver d) {
        }

        /** About once a second, under the session lock: a moment to copy figures out. */
        default void onSecond(SessionDriver d, PublisherSession s) {
        }
    }

    private final String inputId;
    private final PublisherSession session;
    private final UdpEndpoint endpoint;
    private final boolean ownsEndpoint;
    private final DtlsCertificate certificate;
    private final List<ExpectedFingerprint> fingerprints;
    private final SecureRandom rng;
    private final Listener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final QueueDatagramTransport dtlsTransport;
    private volatile DTLSTransport dtls;
    private volatile boolean dtlsStarted;
    private volatile boolean closed;
    private Thread timer;
    private Thread dtlsThread;
    private Consumer<InetSocketAddress> addressValidated = a -> { };

    public SessionDriver(String inputId, PublisherSession session, UdpEndpoint endpoint, boolean ownsEndpoint,
            DtlsCertificate certificate, List<ExpectedFingerprint> fingerprints, SecureRandom rng, Listener listener) {
        this.inputId = inputId;
        this.session = session;
        this.endpoint = endpoint;
        this.ownsEndpoint = ownsEndpoint;
        this.certificate = certificate;
        this.fingerprints = List.copyOf(fingerprints);
        this.rng = rng;
        this.listener = listener;
        this.dtlsTransport = new QueueDatagramTransport(session.params().dtlsClient() ? DtlsRole.CLIENT : DtlsRole.SERVER,
                data -> endpoint.send(data, session.remoteAddress()));
    }

    /** Called (on the reader thread) whenever ICE validates a new remote address: the mux routes by it. */
    public void onAddressValidated(Consumer<InetSocketAddress> c) {
        this.addressValidated = c;
    }

    public String inputId() {
        return inputId;
    }

    public UdpEndpoint endpoint() {
        return endpoint;
    }

    public void start() {
        timer = Thread.ofVirtual().name("session-timer-" + inputId).start(this::timerLoop);
    }

    /** Runs {@code action} on the session under its lock, then sends what it produced. */
    public <T> T withSession(java.util.function.Function<PublisherSession, T> action) {
        lock.lock();
        try {
            T r = action.apply(session);
            drain();
            return r;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onDatagram(byte[] buf, int off, int len, InetSocketAddress from, long nowNanos) {
        lock.lock();
        try {
            boolean known = session.ice().isFrom(from);
            session.handleDatagram(buf, off, len, from, nowNanos);
            if (!known && session.ice().isFrom(from)) {
                addressValidated.accept(from);
            }
            drain();
        } finally {
            lock.unlock();
        }
    }

    /** Sends queued datagrams and handles events. Caller holds the lock. */
    private void drain() {
        Transmit t;
        while ((t = session.pollTransmit()) != null) {
            endpoint.send(t.data(), t.to());
        }
        SessionEvent e;
        while ((e = session.pollEvent()) != null) {
            switch (e) {
                case SessionEvent.IceConnected c -> {
                    LOG.info("input={} ICE connected with {}", inputId, c.remote());
                    // DTLS starts once ICE has a validated address (the handshake timeout counts from here)
                    startDtls();
                    listener.onIceConnected(this, c.remote());
                }
                case SessionEvent.DtlsRecord r -> dtlsTransport.offer(r.data(), 0, r.data().length);
                case SessionEvent.SrtpReady s -> listener.onSrtpReady(this, s.profile());
                case SessionEvent.ByeReceived b -> LOG.info("input={} publisher sent RTCP BYE for ssrc {}", inputId, b.ssrc());
                case SessionEvent.Disconnected x -> {
                    LOG.info("input={} publisher disconnected: nothing from it for {} ms", inputId, x.silentNanos() / 1_000_000);
                    listener.onDisconnected(this);
                }
                case SessionEvent.Reconnected x -> {
                    LOG.info("input={} publisher back after {} ms of silence", inputId, x.silentNanos() / 1_000_000);
                    listener.onReconnected(this);
                }
                case SessionEvent.Closed c -> shutdown(c.reason());
            }
        }
    }

    private void startDtls() {
        if (dtlsStarted) {
            return;
        }
        dtlsStarted = true;
        DtlsRole role = session.params().dtlsClient() ? DtlsRole.CLIENT : DtlsRole.SERVER;
        dtlsThread = Thread.ofVirtual().name("dtls-" + inputId).start(() -> runDtls(role));
    }

    private void runDtls(DtlsRole role) {
        DtlsSrtpResult result;
        long start = System.nanoTime();
        try {
            result = DtlsSrtpHandshake.handshake(role, dtlsTransport, certificate, fingerprints, rng);
        } catch (DtlsHandshakeException e) {
            if (!closed) {
                LOG.warn("input={} DTLS handshake failed ({} role): {}", inputId, role, e.getMessage());
                close("DTLS handshake failed: " + e.getMessage());
            }
            return;
        }
        dtls = result.transport();
        long dtlsHandshakeNanos = System.nanoTime() - start;
        var link = dtlsTransport.figures();
        LOG.info("input={} DTLS done as {} in {} ms, SRTP profile 0x{} ({})", inputId, role,
                dtlsHandshakeNanos / 1_000_000, Integer.toHexString(result.srtpProtectionProfileId()), link.describe(start));
        withSession(s -> {
            s.installSrtpKeys(result.srtpProtectionProfileId(), result.keyingMaterial(), System.nanoTime(),
                    Math.max(0, link.roundTripNanos()));
            return null;
        });
        byte[] buf = new byte[2048];
        while (!closed) {
            try {
                int n = result.transport().receive(buf, 0, buf.length, 1000);
                if (n < 0) {
                    continue;
                }
            } catch (IOException e) {
                if (!closed) {
                    close(e instanceof dev.ingot.rtc.dtls.DtlsTransportClosedException c && c.closedByPeer()
                            ? "publisher closed DTLS (close_notify)" : "DTLS failed: " + e);
                }
                return;
            }
        }
    }

    private void timerLoop() {
        long nextSecond = System.nanoTime() + 1_000_000_000L;
        while (!closed) {
            long now = System.nanoTime();
            boolean second = now >= nextSecond;
            if (second) {
                nextSecond = now + 1_000_000_000L;
            }
            long next = withSession(s -> {
                if (s.nextTimeoutNanos() <= now) {
                    s.handleTimeout(now);
                }
                if (second && !closed) {
                    listener.onSecond(this, s);
                }
                return s.nextTimeoutNanos();
            });
            long sleep = Math.min(Math.max(next - System.nanoTime(), 1_000_000L), MAX_TIMER_SLEEP_NANOS);
            try {
                Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ends the session from outside (DELETE, unregister, replaced, shutdown). */
    public void close(String reason) {
        withSession(s -> {
            s.close(reason);
            return null;
        });
    }

    /** Caller holds the lock (via drain). */
    private void shutdown(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        var c = session.counters();
        long[] nack = session.feedback().nackFigures();
        LOG.info("input={} session closed: {} (video {} pkts, {} via RTX, {} resent on the media SSRC; audio {} pkts; "
                + "NACKed {}, recovered {}, only late {}, given up {}; keyframe requests {}; SRTP auth failures {})",
                inputId, reason, c.videoPackets(), c.videoRtxPackets(), c.videoResentOnMediaSsrc(), c.audioPackets(),
                nack[0], nack[1], nack[3], nack[2], session.feedback().keyframeRequests(), c.srtpAuthFailures());
        DTLSTransport d = dtls;
        if (d != null) {
            try {
                d.close();
            } catch (IOException e) {
                LOG.debug("input={} DTLS close: {}", inputId, e.toString());
            }
        }
        dtlsTransport.close();
        if (ownsEndpoint) {
            endpoint.close();
        }
        if (timer != null && timer != Thread.currentThread()) {
            timer.interrupt();
        }
        listener.onClosed(this, reason);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Snapshot of the session's counters, taken under the lock. */
    public dev.ingot.rtc.session.SessionCounters.Snapshot counters() {
        return withSession(PublisherSession::counters);
    }
}
