package dev.ingot.rtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DtlsSrtpHandshakeTest {
    private static final SecureRandom RNG = new SecureRandom();
    private static final long NOT_BEFORE = 1_700_000_000_000L;
    /** Only guards against a hung test; no assertion depends on timing. */
    private static final long HANG_GUARD_SECONDS = 30;

    private static DtlsCertificate serverCert;
    private static DtlsCertificate clientCert;
    private static DtlsCertificate strangerCert;
    private static RsaTestCertificate rsaCert;
    private static ExecutorService threads;

    private final DatagramPipe pipe = new DatagramPipe();

    @BeforeAll
    static void setUp() {
        serverCert = DtlsCertificate.generate(RNG, NOT_BEFORE);
        clientCert = DtlsCertificate.generate(RNG, NOT_BEFORE);
        strangerCert = DtlsCertificate.generate(RNG, NOT_BEFORE);
        threads = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void tearDown() {
        threads.shutdownNow();
    }

    /** One side's outcome: a result or the exception. */
    private record Outcome(DtlsSrtpResult result, DtlsHandshakeException failure) {
        DtlsSrtpResult ok() {
            assertThat(failure).as("handshake failure").isNull();
            return result;
        }

        DtlsHandshakeException failed() {
            assertThat(result).as("handshake unexpectedly succeeded").isNull();
            assertThat(failure).isNotNull();
            return failure;
        }
    }

    private static ExpectedFingerprint sha256Of(DtlsCertificate certificate) {
        return fingerprintOf("sha-256", certificate);
    }

    private static ExpectedFingerprint fingerprintOf(String algorithm, DtlsCertificate certificate) {
        return new ExpectedFingerprint(algorithm, DtlsCertificate.fingerprint(algorithm, certificate.derEncoded()));
    }

    private Future<Outcome> start(DtlsRole role, DatagramPipe.Endpoint endpoint, DtlsCertificate local,
                                  List<ExpectedFingerprint> remote, DtlsSrtpOptions options) {
        return threads.submit(() -> {
            try {
                return new Outcome(DtlsSrtpHandshake.handshake(role, endpoint, local, remote, RNG, options), null);
            } catch (DtlsHandshakeException e) {
                return new Outcome(null, e);
            }
        });
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
    }

    /** Server on the left end of the pipe, client on the right; each expects the given fingerprints. */
    private Outcome[] handshake(DtlsSrtpOptions serverOptions, DtlsSrtpOptions clientOptions,
                                List<ExpectedFingerprint> serverExpects, List<ExpectedFingerprint> clientExpects)
            throws Exception {
        Future<Outcome> server = start(DtlsRole.SERVER, pipe.left, serverCert, serverExpects, serverOptions);
        Future<Outcome> client = start(DtlsRole.CLIENT, pipe.right, clientCert, clientExpects, clientOptions);
        return new Outcome[] {await(server), await(client)};
    }

    private Outcome[] handshake(DtlsSrtpOptions serverOptions, DtlsSrtpOptions clientOptions) throws Exception {
        return handshake(serverOptions, clientOptions, List.of(sha256Of(clientCert)), List.of(sha256Of(serverCert)));
    }

    private Outcome[] handshakeWithDefaults() throws Exception {
        return handshake(DtlsSrtpOptions.defaults(DtlsRole.SERVER), DtlsSrtpOptions.defaults(DtlsRole.CLIENT));
    }

    private static void assertSameKeys(DtlsSrtpResult server, DtlsSrtpResult client, int profile) {
        assertThat(server.srtpProtectionProfileId()).isEqualTo(profile);
        assertThat(client.srtpProtectionProfileId()).isEqualTo(profile);
        assertThat(server.keyingMaterial()).hasSize(SrtpProfileIds.keyingMaterialLength(profile));
        assertThat(client.keyingMaterial()).isEqualTo(server.keyingMaterial());
        assertThat(server.keyingMaterial()).isNotEqualTo(new byte[server.keyingMaterial().length]);
    }

    @Test
    void bothRolesDeriveIdenticalKeyingMaterialAndChooseGcm() throws Exception {
        Outcome[] outcomes = handshakeWithDefaults();

        DtlsSrtpResult server = outcomes[0].ok();
        DtlsSrtpResult client = outcomes[1].ok();
        assertSameKeys(server, client, SrtpProfileIds.AEAD_AES_128_GCM);
        assertThat(server.keyingMaterial()).hasSize(56);
        assertThat(server.transport()).isNotNull();
        assertThat(client.transport()).isNotNull();
    }

    @Test
    void separateHandshakesExportDifferentKeys() throws Exception {
        DtlsSrtpResult first = handshakeWithDefaults()[0].ok();
        DatagramPipe otherPipe = new DatagramPipe();
        Future<Outcome> server = start(DtlsRole.SERVER, otherPipe.left, serverCert, List.of(sha256Of(clientCert)),
                DtlsSrtpOptions.defaults(DtlsRole.SERVER));
        Future<Outcome> client = start(DtlsRole.CLIENT, otherPipe.right, clientCert, List.of(sha256Of(serverCert)),
                DtlsSrtpOptions.defaults(DtlsRole.CLIENT));
        DtlsSrtpResult second = await(server).ok();
        await(client).ok();

        assertThat(second.keyingMaterial()).isNotEqualTo(first.keyingMaterial());
    }

    @Test
    void clientOfferingOnlyCm80GetsCm80WithSixtyBytesOfKeys() throws Exception {
        Outcome[] outcomes = handshake(DtlsSrtpOptions.defaults(DtlsRole.SERVER),
                DtlsSrtpOptions.defaults(DtlsRole.CLIENT).withSrtpProfiles(
                        List.of(SrtpProfileIds.AES128_CM_HMAC_SHA1_80)));

        assertSameKeys(outcomes[0].ok(), outcomes[1].ok(), SrtpProfileIds.AES128_CM_HMAC_SHA1_80);
        assertThat(outcomes[0].ok().keyingMaterial()).hasSize(60);
    }

    @Test
    void serverPreferenceDecidesBetweenOfferedProfiles() throws Exception {
        DtlsSrtpOptions cmFirst = DtlsSrtpOptions.defaults(DtlsRole.SERVER).withSrtpProfiles(
                List.of(SrtpProfileIds.AES128_CM_HMAC_SHA1_80, SrtpProfileIds.AEAD_AES_128_GCM));

        Outcome[] outcomes = handshake(cmFirst, DtlsSrtpOptions.defaults(DtlsRole.CLIENT));

        assertSameKeys(outcomes[0].ok(), outcomes[1].ok(), SrtpProfileIds.AES128_CM_HMAC_SHA1_80);
    }

    @Test
    void cm32IsNegotiatedWhenItIsTheOnlyOffer() throws Exception {
        Outcome[] outcomes = handshake(DtlsSrtpOptions.defaults(DtlsRole.SERVER),
                DtlsSrtpOptions.defaults(DtlsRole.CLIENT).withSrtpProfiles(
                        List.of(SrtpProfileIds.AES128_CM_HMAC_SHA1_32)));

        assertSameKeys(outcomes[0].ok(), outcomes[1].ok(), SrtpProfileIds.AES128_CM_HMAC_SHA1_32);
    }

    @Test
    void noCommonSrtpProfileFailsBothSides() throws Exception {
        Outcome[] outcomes = handshake(
                DtlsSrtpOptions.defaults(DtlsRole.SERVER).withSrtpProfiles(List.of(SrtpProfileIds.AEAD_AES_128_GCM)),
                DtlsSrtpOptions.defaults(DtlsRole.CLIENT).withSrtpProfiles(
                        List.of(SrtpProfileIds.AES128_CM_HMAC_SHA1_80)));

        DtlsHandshakeException server = outcomes[0].failed();
        assertThat(server.reason()).isEqualTo(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE);
        assertThat(server.getMessage()).contains("no SRTP profile in common").contains("AES128_CM_HMAC_SHA1_80");
        assertThat(outcomes[1].failed().reason()).isEqualTo(DtlsHandshakeException.Reason.ALERT_RECEIVED);
    }

    @Test
    void serverRejectsClientWhoseCertificateDoesNotMatchTheOfferFingerprint() throws Exception {
        Outcome[] outcomes = handshake(DtlsSrtpOptions.defaults(DtlsRole.SERVER),
                DtlsSrtpOptions.defaults(DtlsRole.CLIENT),
                List.of(sha256Of(strangerCert)), List.of(sha256Of(serverCert)));

        DtlsHandshakeException server = outcomes[0].failed();
        assertThat(server.reason()).isEqualTo(DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH);
        assertThat(server.getMessage()).contains("DTLS server").contains("fingerprint mismatch")
                .contains(clientCert.fingerprintSha256());
        DtlsHandshakeException client = outcomes[1].failed();
        assertThat(client.reason()).isEqualTo(DtlsHandshakeException.Reason.ALERT_RECEIVED);
        assertThat(client.getMessage()).contains("bad_certificate");
    }

    @Test
    void clientRejectsServerWhoseCertificateDoesNotMatchTheAnswerFingerprint() throws Exception {
        Outcome[] outcomes = handshake(DtlsSrtpOptions.defaults(DtlsRole.SERVER),
                DtlsSrtpOptions.defaults(DtlsRole.CLIENT),
                List.of(sha256Of(clientCert)), List.of(sha256Of(strangerCert)));

        DtlsHandshakeException client = outcomes[1].failed();
        assertThat(client.reason()).isEqualTo(DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH);
        assertThat(client.getMessage()).contains("DTLS client").contains("fingerprint mismatch");
        assertThat(outcomes[0].failed().reason()).isEqualTo(DtlsHandshakeException.Reason.ALERT_RECEIVED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha-1", "sha-256", "sha-512"})
    void acceptsFingerprintsUnderEachHashAlgorithm(String algorithm) throws Exception {
        Outcome[] outcomes = handshake(DtlsSrtpOptions.defaults(DtlsRole.SERVER),
                DtlsSrtpOptions.defaults(DtlsRole.CLIENT),
                List.of(fingerprintOf(algorithm, clientCert)), List.of(fingerprintOf(algorithm, serverCert)));

        assertSameKeys(outcomes[0].ok(), outcomes[1].ok(), SrtpProfileIds.AEAD_AES_128_GCM);
    }

    @Test
    void acceptsThePeerWhenAnyOfSeveralFingerprintsMatches() throws Exception {
        Outcome[] outcomes = handshake(DtlsSrtpOptions.defaults(DtlsRole.SERVER),
                DtlsSrtpOptions.defaults(DtlsRole.CLIENT),
                List.of(sha256Of(strangerCert), fingerprintOf("sha-384", clientCert)),
                List.of(fingerprintOf("sha-1", strangerCert), fingerprintOf("sha-512", serverCert)));

        assertSameKeys(outcomes[0].ok(), outcomes[1].ok(), SrtpProfileIds.AEAD_AES_128_GCM);
    }

    @Test
    void completesWhenTheFirstTwoServerDatagramsAreLost() throws Exception {
        // Default 1 s retransmission timer: the client resends its ClientHello, the server its whole flight.
        pipe.left.dropFirstSent(2);

        Outcome[] outcomes = handshakeWithDefaults();

        assertSameKeys(outcomes[0].ok(), outcomes[1].ok(), SrtpProfileIds.AEAD_AES_128_GCM);
        assertThat(pipe.left.droppedCount()).isEqualTo(2);
    }

    @Test
    void completesWhenTheFirstTwoClientDatagramsAreLost() throws Exception {
        pipe.right.dropFirstSent(2);
        DtlsSrtpOptions fastRetransmit = DtlsSrtpOptions.defaults(DtlsRole.CLIENT).withInitialRetransmitMillis(100);

        Outcome[] outcomes = handshake(DtlsSrtpOptions.defaults(DtlsRole.SERVER).withInitialRetransmitMillis(100),
                fastRetransmit);

        assertSameKeys(outcomes[0].ok(), outcomes[1].ok(), SrtpProfileIds.AEAD_AES_128_GCM);
        assertThat(pipe.right.droppedCount()).isEqualTo(2);
    }

    @Test
    void serverReceiveLoopAnswersAClientWhoseFinalFlightFromUsWasLost() throws Exception {
        // The server's last flight is ChangeCipherSpec (content type 20) then Finished (epoch 1). Lose both: the
        // client retransmits its flight, and only the server's post-handshake receive loop can answer it.
        pipe.left.dropSent(2, datagram -> datagram[0] == 20 || (datagram[3] == 0 && datagram[4] == 1));
        DtlsSrtpOptions serverOptions = DtlsSrtpOptions.defaults(DtlsRole.SERVER).withInitialRetransmitMillis(100);
        DtlsSrtpOptions clientOptions = DtlsSrtpOptions.defaults(DtlsRole.CLIENT).withInitialRetransmitMillis(100);

        Future<IOException> serverLoop = threads.submit(() -> {
            DtlsSrtpResult result = DtlsSrtpHandshake.handshake(DtlsRole.SERVER, pipe.left, serverCert,
                    List.of(sha256Of(clientCert)), RNG, serverOptions);
            return receiveUntilClosed(result.transport());
        });
        Future<Outcome> client = start(DtlsRole.CLIENT, pipe.right, clientCert, List.of(sha256Of(serverCert)),
                clientOptions);

        DtlsSrtpResult clientResult = await(client).ok();
        assertThat(pipe.left.droppedCount()).isEqualTo(2);
        clientResult.transport().close();

        IOException ended = await(serverLoop);
        assertThat(ended).isInstanceOf(DtlsTransportClosedException.class);
        assertThat(((DtlsTransportClosedException) ended).closedByPeer()).isTrue();
    }

    /** The caller's loop after the handshake: receive until the association ends, return how it ended. */
    private static IOException receiveUntilClosed(DTLSTransport transport) {
        byte[] buf = new byte[1500];
        while (true) {
            try {
                transport.receive(buf, 0, buf.length, 100);
            } catch (IOException e) {
                return e;
            }
        }
    }

    @Test
    void receiveTimesOutWithMinusOneThenThrowsClosedOncePeerSendsCloseNotify() throws Exception {
        Outcome[] outcomes = handshakeWithDefaults();
        DTLSTransport server = outcomes[0].ok().transport();
        DTLSTransport client = outcomes[1].ok().transport();
        byte[] buf = new byte[1500];

        assertThat(server.receive(buf, 0, buf.length, 20)).isEqualTo(-1);

        client.close();

        assertThatThrownBy(() -> server.receive(buf, 0, buf.length, 5_000))
                .isInstanceOfSatisfying(DtlsTransportClosedException.class,
                        e -> assertThat(e.closedByPeer()).isTrue());
        assertThatThrownBy(() -> server.receive(buf, 0, buf.length, 5_000))
                .isInstanceOf(DtlsTransportClosedException.class);
        assertThatThrownBy(() -> client.receive(buf, 0, buf.length, 5_000))
                .isInstanceOfSatisfying(DtlsTransportClosedException.class,
                        e -> assertThat(e.closedByPeer()).isFalse());
        assertThat(pipe.left.isClosed()).isTrue();
        assertThat(pipe.right.isClosed()).isTrue();
    }

    @Test
    void closingLocallyEndsAReceiveLoopBlockedOnAnotherThread() throws Exception {
        Outcome[] outcomes = handshakeWithDefaults();
        DTLSTransport server = outcomes[0].ok().transport();
        Future<IOException> loop = threads.submit(() -> {
            byte[] buf = new byte[1500];
            while (true) {
                try {
                    server.receive(buf, 0, buf.length, 0);
                } catch (IOException e) {
                    return e;
                }
            }
        });

        server.close();

        assertThat(await(loop)).isInstanceOfSatisfying(DtlsTransportClosedException.class,
                e -> assertThat(e.closedByPeer()).isFalse());
    }

    @Test
    void applicationDataFlowsBothWaysAfterTheHandshake() throws Exception {
        Outcome[] outcomes = handshakeWithDefaults();
        DTLSTransport server = outcomes[0].ok().transport();
        DTLSTransport client = outcomes[1].ok().transport();
        byte[] buf = new byte[1500];

        client.send(new byte[] {1, 2, 3}, 0, 3);
        int n = server.receive(buf, 0, buf.length, 5_000);

        assertThat(n).isEqualTo(3);
        assertThat(java.util.Arrays.copyOf(buf, n)).containsExactly(1, 2, 3);
    }

    @ParameterizedTest
    @EnumSource(DtlsRole.class)
    void failsWithTimeoutWhenThePeerNeverAnswers(DtlsRole role) throws Exception {
        DtlsSrtpOptions options = DtlsSrtpOptions.defaults(role).withHandshakeTimeoutMillis(300)
                .withInitialRetransmitMillis(100);

        Outcome outcome = await(start(role, pipe.left, serverCert, List.of(sha256Of(clientCert)), options));

        assertThat(outcome.failed().reason()).isEqualTo(DtlsHandshakeException.Reason.TIMEOUT);
        assertThat(pipe.left.isClosed()).isTrue();
    }

    @Test
    void serverRejectsClientThatSendsNoCertificate() throws Exception {
        Future<Outcome> server = start(DtlsRole.SERVER, pipe.left, serverCert, List.of(sha256Of(clientCert)),
                DtlsSrtpOptions.defaults(DtlsRole.SERVER));
        Future<Exception> anonymousClient =
                threads.submit(runCatching(() -> new PlainBcDtlsClient(null, null).connect(pipe.right)));

        DtlsHandshakeException failure = await(server).failed();
        assertThat(failure.reason()).isEqualTo(DtlsHandshakeException.Reason.NO_PEER_CERTIFICATE);
        assertThat(failure.getMessage()).contains("no certificate");
        assertThat(await(anonymousClient)).isNotNull();
    }

    static Stream<SignatureAndHashAlgorithm> rsaSignatureAlgorithms() {
        return Stream.of(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
    }

    @ParameterizedTest
    @MethodSource("rsaSignatureAlgorithms")
    void serverAcceptsAClientWithAnRsaCertificate(SignatureAndHashAlgorithm signatureAlgorithm) throws Exception {
        PlainBcDtlsClient rsaClient = new PlainBcDtlsClient(rsaCert(), signatureAlgorithm);
        Future<Outcome> server = start(DtlsRole.SERVER, pipe.left, serverCert, List.of(rsaCert().sha256()),
                DtlsSrtpOptions.defaults(DtlsRole.SERVER));
        Future<Exception> client = threads.submit(runCatching(() -> rsaClient.connect(pipe.right)));

        DtlsSrtpResult result = await(server).ok();
        assertThat(await(client)).isNull();
        assertThat(result.srtpProtectionProfileId()).isEqualTo(SrtpProfileIds.AES128_CM_HMAC_SHA1_80);
        assertThat(result.keyingMaterial()).isEqualTo(rsaClient.keyingMaterial);
    }

    @Test
    void clientCompletesAgainstAServerWithAnRsaCertificate() throws Exception {
        PlainBcDtlsServer rsaServer = new PlainBcDtlsServer(rsaCert());
        Future<Exception> server = threads.submit(runCatching(() -> rsaServer.accept(pipe.left)));
        Future<Outcome> client = start(DtlsRole.CLIENT, pipe.right, clientCert, List.of(rsaCert().sha256()),
                DtlsSrtpOptions.defaults(DtlsRole.CLIENT));

        DtlsSrtpResult result = await(client).ok();
        assertThat(await(server)).isNull();
        assertThat(result.srtpProtectionProfileId()).isEqualTo(SrtpProfileIds.AEAD_AES_128_GCM);
        assertThat(result.keyingMaterial()).isEqualTo(rsaServer.keyingMaterial);
        assertThat(DtlsCertificate.formatFingerprint(DtlsCertificate.fingerprint("sha-256",
                rsaServer.clientCertificate.getCertificateAt(0).getEncoded())))
                .isEqualTo(clientCert.fingerprintSha256());
    }

    private static synchronized RsaTestCertificate rsaCert() throws Exception {
        if (rsaCert == null) {
            rsaCert = RsaTestCertificate.generate(RNG);
        }
        return rsaCert;
    }

    private static Callable<Exception> runCatching(Callable<?> body) {
        return () -> {
            try {
                body.call();
                return null;
            } catch (Exception e) {
                return e;
            }
        };
    }

    @Test
    void rejectsAnEmptyFingerprintList() {
        assertThatThrownBy(() -> DtlsSrtpHandshake.handshake(DtlsRole.SERVER, pipe.left, serverCert, List.of(), RNG))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resultToStringDoesNotRevealKeys() throws Exception {
        DtlsSrtpResult result = handshakeWithDefaults()[0].ok();

        assertThat(result.toString()).contains("AEAD_AES_128_GCM").contains("56 bytes")
                .doesNotContain(java.util.HexFormat.of().formatHex(result.keyingMaterial()).substring(0, 8));
    }
}
