package dev.ingot.rtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.tls.DTLSTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our DTLS client and server (Bouncy Castle) through a network that reorders and loses datagrams, with and
 * without the {@link DtlsHandshakeLink} in front of the engine. Whether a handshake needed a retransmission is
 * read from the number of records the engines wrote, not from the clock.
 */
class DtlsHandshakeLinkTest {
    private static final SecureRandom RNG = new SecureRandom();
    private static final long NOT_BEFORE = System.currentTimeMillis() - 86_400_000L;
    /** Records each engine writes in a handshake with no retransmission (counted in {@link #cleanPath}). */
    private static final int SERVER_RECORDS = 7;
    private static final int CLIENT_RECORDS = 6;
    /** The client's second flight, as datagrams 1..5 it sends: Certificate, ClientKeyExchange, CertificateVerify,
     * ChangeCipherSpec, Finished. */
    private static final int CLIENT_FLIGHT_5 = 1;
    private static DtlsCertificate serverCert;
    private static DtlsCertificate clientCert;
    private static ExecutorService threads;

    @BeforeAll
    static void setUp() {
        serverCert = DtlsCertificate.generate(RNG, NOT_BEFORE);
        clientCert = DtlsCertificate.generate(RNG, NOT_BEFORE);
        threads = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void tearDown() {
        threads.shutdownNow();
    }

    /** Both handshakes' outcomes, after both finished; each side keeps receiving until the other is done too. */
    private record Run(DtlsSrtpResult server, DtlsSrtpResult client, long millis) {
    }

    private static Run handshake(ImpairedPipe pipe, int resendMillis) throws Exception {
        return handshake(pipe, resendMillis, 10_000);
    }

    private static Run handshake(ImpairedPipe pipe, int resendMillis, int timeoutMillis) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        long start = System.nanoTime();
        CompletableFuture<DtlsSrtpResult> server = side(DtlsRole.SERVER, pipe.server, serverCert, clientCert,
                resendMillis, timeoutMillis, stop);
        CompletableFuture<DtlsSrtpResult> client = side(DtlsRole.CLIENT, pipe.client, clientCert, serverCert,
                resendMillis, timeoutMillis, stop);
        try {
            DtlsSrtpResult s = server.get(30, TimeUnit.SECONDS);
            DtlsSrtpResult c = client.get(30, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(s.keyingMaterial()).isEqualTo(c.keyingMaterial());
            return new Run(s, c, millis);
        } finally {
            stop.set(true);
        }
    }

    private static CompletableFuture<DtlsSrtpResult> side(DtlsRole role, ImpairedPipe.Endpoint transport,
            DtlsCertificate local, DtlsCertificate remote, int resendMillis, int timeoutMillis, AtomicBoolean stop) {
        CompletableFuture<DtlsSrtpResult> done = new CompletableFuture<>();
        threads.submit(() -> {
            DtlsSrtpResult result;
            try {
                result = DtlsSrtpHandshake.handshake(role, transport, local,
                        List.of(new ExpectedFingerprint("sha-256", DtlsCertificate.fingerprint("sha-256", remote.derEncoded()))), RNG,
                        DtlsSrtpOptions.defaults(role).withInitialRetransmitMillis(resendMillis)
                                .withHandshakeTimeoutMillis(timeoutMillis));
            } catch (Throwable e) {
                done.completeExceptionally(e);
                return;
            }
            done.complete(result);
            // what the server does after its handshake: keep reading, to answer a peer that missed our last flight
            DTLSTransport dtls = result.transport();
            byte[] buf = new byte[1500];
            while (!stop.get()) {
                try {
                    dtls.receive(buf, 0, buf.length, 20);
                } catch (Exception e) {
                    return;
                }
            }
        });
        return done;
    }

    @ParameterizedTest(name = "link {0}")
    @ValueSource(booleans = {false, true})
    void cleanPath(boolean link) throws Exception {
        try (ImpairedPipe pipe = new ImpairedPipe(1, 0, 0, link)) {
            handshake(pipe, 1000);
            assertThat(pipe.server.recordsWritten()).isEqualTo(SERVER_RECORDS);
            assertThat(pipe.client.recordsWritten()).isEqualTo(CLIENT_RECORDS);
        }
    }

    /** Orders of the client's second flight (0 Certificate, 1 ClientKeyExchange, 2 CertificateVerify, 3 CCS, 4 Finished). */
    private static final int[][] CLIENT_FLIGHT_ORDERS = {
        {0, 1, 2, 4, 3}, // Finished before its ChangeCipherSpec
        {0, 2, 3, 1, 4}, // CCS before the key exchange
        {0, 1, 3, 2, 4}, // CCS before the CertificateVerify
        {4, 3, 2, 1, 0}, // all reversed
        {3, 4, 0, 1, 2}, // CCS and Finished first
    };

    @Test
    void bouncyCastleAloneStallsOrFailsWhenTheClientsFlightIsReordered() throws Exception {
        for (int[] order : CLIENT_FLIGHT_ORDERS) {
            try (ImpairedPipe pipe = new ImpairedPipe(1, 0, 0, false)) {
                pipe.client.reorderSent(CLIENT_FLIGHT_5, order);
                String outcome;
                try {
                    handshake(pipe, 500, 2500);
                    int extra = pipe.server.recordsWritten() + pipe.client.recordsWritten() - SERVER_RECORDS
                            - CLIENT_RECORDS;
                    assertThat(extra).as("records retransmitted with order %s", java.util.Arrays.toString(order))
                            .isPositive();
                    outcome = "done after " + extra + " records retransmitted";
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(DtlsHandshakeException.class);
                    outcome = "failed: " + e.getCause().getMessage();
                }
                System.out.printf("[dtls] Bouncy Castle alone, client flight in order %s: %s%n",
                        java.util.Arrays.toString(order), outcome);
            }
        }
    }

    @Test
    void withTheLinkTheServerNeedsNoRetransmissionWhateverOrderTheClientsFlightArrivesIn() throws Exception {
        for (int[] order : CLIENT_FLIGHT_ORDERS) {
            // the client is another stack that sends each record alone (no link on its side)
            try (ImpairedPipe pipe = new ImpairedPipe(1, 0, 0, true, false)) {
                pipe.client.reorderSent(CLIENT_FLIGHT_5, order);
                handshake(pipe, 1000);
                assertThat(pipe.server.recordsWritten()).as("server records, order %s", java.util.Arrays.toString(order))
                        .isEqualTo(SERVER_RECORDS);
                assertThat(pipe.client.recordsWritten()).as("client records, order %s", java.util.Arrays.toString(order))
                        .isEqualTo(CLIENT_RECORDS);
                assertThat(pipe.server.link().figures().recordsHeldForOrder()).isPositive();
            }
        }
    }

    @Test
    void withTheLinkTheClientTakesTheServersFinishedBeforeItsChangeCipherSpec() throws Exception {
        // the server's last flight: datagrams 5 (CCS) and 6 (Finished) of a server without a link
        try (ImpairedPipe pipe = new ImpairedPipe(1, 0, 0, false, true)) {
            pipe.server.reorderSent(5, 1, 0);
            handshake(pipe, 1000);
            assertThat(pipe.server.recordsWritten()).isEqualTo(SERVER_RECORDS);
            assertThat(pipe.client.recordsWritten()).isEqualTo(CLIENT_RECORDS);
        }
        try (ImpairedPipe pipe = new ImpairedPipe(1, 0, 0, false, false)) {
            pipe.server.reorderSent(5, 1, 0);
            handshake(pipe, 1000);
            assertThat(pipe.server.recordsWritten() + pipe.client.recordsWritten())
                    .as("without the link the client waits for a retransmission")
                    .isGreaterThan(SERVER_RECORDS + CLIENT_RECORDS);
        }
    }

    /**
     * 40 handshakes per case over a path that delays each datagram by 0-40 ms (so they overtake each other) and
     * drops 5 % of them; our side (with or without the link) against another stack (one record per datagram, 100
     * ms retransmission timer), as server and client in turn. Without the link some handshakes fail outright
     * (counted, not asserted); with it every one completes. Times are printed, not asserted.
     */
    @ParameterizedTest(name = "link {0}")
    @ValueSource(booleans = {false, true})
    void completesUnderLossAndReordering(boolean link) throws Exception {
        List<Long> millis = new ArrayList<>();
        int failed = 0;
        for (int seed = 1; seed <= 40; seed++) {
            boolean serverIsUs = seed % 2 == 0;
            try (ImpairedPipe pipe = new ImpairedPipe(seed, 40, 0.05, link && serverIsUs, link && !serverIsUs)) {
                millis.add(handshake(pipe, DtlsSrtpOptions.DEFAULT_INITIAL_RETRANSMIT_MILLIS, 3000).millis());
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(link).as("seed %d failed with the link: %s", seed, e.getCause()).isFalse();
                failed++;
            }
        }
        millis.sort(null);
        System.out.printf("[dtls] link %s, 0-40 ms delay, 5%% loss: %d of 40 failed; done p50 %d ms, p90 %d ms, "
                + "max %d ms%n", link, failed, millis.get(millis.size() / 2), millis.get(millis.size() * 9 / 10),
                millis.getLast());
    }
}
