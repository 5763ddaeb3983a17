package dev.ingot.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.rtc.dtls.DtlsCertificate;
import dev.ingot.rtc.dtls.DtlsHandshakeException;
import dev.ingot.rtc.dtls.DtlsRole;
import dev.ingot.rtc.dtls.DtlsSrtpHandshake;
import dev.ingot.rtc.dtls.DtlsSrtpOptions;
import dev.ingot.rtc.dtls.DtlsSrtpResult;
import dev.ingot.rtc.dtls.ExpectedFingerprint;
import dev.ingot.rtc.dtls.SrtpProfileIds;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.junit.jupiter.api.Test;

/**
 * DTLS 1.2 for DTLS-SRTP (RFC 6347, RFC 5764) through {@link DtlsSrtpHandshake}, in both roles: the fuzzer's bytes are
 * the peer's datagrams (16-bit length-prefixed), handed over by a scripted transport that fails the moment the
 * script runs out, so that no iteration waits on a timer. Only {@link DtlsHandshakeException} may escape the
 * handshake, and then the transport must have been closed; a completed handshake yields keying material of the
 * negotiated profile's length, and the rest of the script goes into the established association, where only
 * {@link IOException}s may come out.
 *
 * <p>The seed files are an honest peer's datagrams, recorded by {@link SeedCorpus} with {@link #recordHonestPeer}.
 * They do not replay to a completed handshake: Bouncy Castle mixes {@code System.nanoTime()} into the nonces behind
 * the hello randoms, so the recorded CertificateVerify and Finished no longer match the transcript. They do carry the
 * fuzzer past ClientHello/ServerHello processing into the peer's Certificate (and our fingerprint check),
 * ClientKeyExchange and CertificateVerify parsing. {@link #anHonestFirstFlightIsAnswered} keeps them meaningful.
 */
class DtlsFuzzTest {
    static final long NOT_BEFORE = 1_700_000_000_000L;
    static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate(Fixtures.deterministicRandom(1), NOT_BEFORE);
    static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate(Fixtures.deterministicRandom(2), NOT_BEFORE);
    private static final int MAX_DATAGRAMS = 32;

    @FuzzTest
    void serverHandshake(byte[] data) {
        handshake(DtlsRole.SERVER, datagrams(data));
    }

    @FuzzTest
    void clientHandshake(byte[] data) {
        handshake(DtlsRole.CLIENT, datagrams(data));
    }

    @Test
    void anHonestFirstFlightIsAnswered() throws Exception {
        for (DtlsRole role : DtlsRole.values()) {
            List<byte[]> peer = recordHonestPeer(role);
            ScriptedTransport transport = new ScriptedTransport(peer.subList(0, 1));
            handshake(role, transport);
            // A server answers ClientHello with its flight; a client sent ClientHello before and answers ServerHello's.
            assertThat(transport.sent).as("%s answered the peer's first flight", role)
                    .isGreaterThan(role == DtlsRole.SERVER ? 0 : 1);
        }
    }

    static void handshake(DtlsRole role, List<byte[]> fromPeer) {
        handshake(role, new ScriptedTransport(fromPeer));
    }

    /** Runs one side over {@code transport}; true if the handshake completed. */
    static boolean handshake(DtlsRole role, ScriptedTransport transport) {
        DtlsSrtpResult result;
        try {
            result = DtlsSrtpHandshake.handshake(role, transport, certificate(role), List.of(fingerprint(peerOf(role))),
                    Fixtures.deterministicRandom(handshakeSeed(role)), options(role));
        } catch (DtlsHandshakeException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(transport.closed).as("a failed handshake closes the transport").isTrue();
            return false;
        }
        assertThat(result.keyingMaterial())
                .hasSize(SrtpProfileIds.keyingMaterialLength(result.srtpProtectionProfileId()));
        DTLSTransport dtls = result.transport();
        byte[] buf = new byte[2048];
        try {
            for (int i = 0; i < MAX_DATAGRAMS && !transport.inbound.isEmpty(); i++) {
                dtls.receive(buf, 0, buf.length, 1);
            }
            dtls.close();
        } catch (IOException expected) {
            // The association failed or was closed: what the session loop treats as the end.
        }
        return true;
    }

    private static List<byte[]> datagrams(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        List<byte[]> out = new ArrayList<>();
        while (in.hasMore() && out.size() < MAX_DATAGRAMS) {
            out.add(in.chunk());
        }
        return out;
    }

    /** Frames datagrams the way {@link #datagrams} reads them, for seed files. */
    static byte[] frame(List<byte[]> datagrams) {
        FuzzBytes.Writer w = new FuzzBytes.Writer();
        datagrams.forEach(w::chunk);
        return w.toByteArray();
    }

    private static DtlsCertificate certificate(DtlsRole role) {
        return role == DtlsRole.SERVER ? SERVER_CERT : CLIENT_CERT;
    }

    private static DtlsRole peerOf(DtlsRole role) {
        return role == DtlsRole.SERVER ? DtlsRole.CLIENT : DtlsRole.SERVER;
    }

    private static long handshakeSeed(DtlsRole role) {
        return role == DtlsRole.SERVER ? 3 : 4;
    }

    private static ExpectedFingerprint fingerprint(DtlsRole role) {
        return new ExpectedFingerprint("sha-256", DtlsCertificate.fingerprint("sha-256",
                certificate(role).derEncoded()));
    }

    private static DtlsSrtpOptions options(DtlsRole role) {
        // The script never makes the handshake wait; the timeout only bounds a bug that would.
        return DtlsSrtpOptions.defaults(role).withHandshakeTimeoutMillis(5_000);
    }

    /**
     * Runs an honest handshake of both sides over an in-memory pipe and returns what the peer of {@code role} sent:
     * the script that makes {@code role} complete.
     */
    static List<byte[]> recordHonestPeer(DtlsRole role) throws InterruptedException, ExecutionException,
            TimeoutException {
        PipeEnd a = new PipeEnd();
        PipeEnd b = new PipeEnd();
        a.peer = b;
        b.peer = a;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<DtlsSrtpResult> mine = threads.submit(() -> DtlsSrtpHandshake.handshake(role, a, certificate(role),
                    List.of(fingerprint(peerOf(role))), Fixtures.deterministicRandom(handshakeSeed(role)),
                    options(role)));
            Future<DtlsSrtpResult> theirs = threads.submit(() -> DtlsSrtpHandshake.handshake(peerOf(role), b,
                    certificate(peerOf(role)), List.of(fingerprint(role)),
                    Fixtures.deterministicRandom(handshakeSeed(peerOf(role))), options(peerOf(role))));
            mine.get(30, TimeUnit.SECONDS);
            theirs.get(30, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        return List.copyOf(b.sent);
    }

    /** Hands the script's datagrams to Bouncy Castle one by one; once it is used up, receiving fails. */
    static final class ScriptedTransport implements DatagramTransport {
        final ArrayDeque<byte[]> inbound;
        volatile boolean closed;
        int sent;

        ScriptedTransport(List<byte[]> script) {
            this.inbound = new ArrayDeque<>(script);
        }

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            byte[] d = inbound.poll();
            if (d == null) {
                throw new IOException("script exhausted");
            }
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            sent++; // goes nowhere: the script does not react to what we send
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** One end of an in-memory datagram pipe that records what it sends. */
    private static final class PipeEnd implements DatagramTransport {
        private static final byte[] CLOSED = new byte[0];
        final LinkedBlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
        final List<byte[]> sent = Collections.synchronizedList(new ArrayList<>());
        volatile PipeEnd peer;

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            try {
                byte[] d = waitMillis == 0 ? inbound.take() : inbound.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (d == null) {
                    return -1;
                }
                if (d == CLOSED) {
                    inbound.add(CLOSED);
                    throw new IOException("closed");
                }
                int n = Math.min(len, d.length);
                System.arraycopy(d, 0, buf, off, n);
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            byte[] d = java.util.Arrays.copyOfRange(buf, off, off + len);
            sent.add(d);
            peer.inbound.add(d);
        }

        @Override
        public void close() {
            inbound.add(CLOSED);
        }
    }
}
