package dev.ingot.rtc.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StunMessageTest {
    /** RFC 5769 §2 short-term password. */
    static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";
    static final byte[] TX_ID = hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae");

    /** RFC 5769 §2.1 Sample Request (SOFTWARE and USERNAME padded with 0x20). */
    static final byte[] SAMPLE_REQUEST = hex("""
            00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
            00 24 00 04 6e 00 01 ff
            80 29 00 08 93 2f f9 b1 51 26 3b 36
            00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
            00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
            80 28 00 04 e5 7a 3b cf
            """);

    /** RFC 5769 §2.2 Sample IPv4 Response. */
    static final byte[] SAMPLE_IPV4_RESPONSE = hex("""
            01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 08 00 01 a1 47 e1 12 a6 43
            00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04 c0 7d 4c 96
            """);

    /** RFC 5769 §2.3 Sample IPv6 Response. */
    static final byte[] SAMPLE_IPV6_RESPONSE = hex("""
            01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
            00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04 c8 fb 0b 4c
            """);

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    static StunMessage parse(byte[] b) throws StunParseException {
        return StunMessage.parse(b, 0, b.length);
    }

    static MessageIntegrityKey key() {
        return MessageIntegrityKey.shortTerm(PASSWORD);
    }

    // ---- RFC 5769 vectors ----

    @Test
    void parsesRfc5769SampleRequest() throws Exception {
        StunMessage m = parse(SAMPLE_REQUEST);
        assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(m.method()).isEqualTo(StunMessage.METHOD_BINDING);
        assertThat(m.isBindingRequest()).isTrue();
        assertThat(m.transactionId()).isEqualTo(TX_ID);
        assertThat(m.hasTransactionId(TX_ID)).isTrue();
        assertThat(m.username()).isEqualTo("evtj:h6vY");
        assertThat(m.usernameEquals("evtj:h6vY".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(m.usernameStartsWith("evtj:".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(m.usernameStartsWith("h6vY".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(m.priority()).isEqualTo(0x6e0001ffL);
        assertThat(m.iceControlled()).isTrue();
        assertThat(m.iceControlling()).isFalse();
        assertThat(m.useCandidate()).isFalse();
        assertThat(m.tieBreaker()).isEqualTo(0x932ff9b151263b36L);
        assertThat(new String(m.find(StunAttribute.SOFTWARE).value(), StandardCharsets.UTF_8))
                .isEqualTo("STUN test client");
        assertThat(m.attributes()).extracting(StunAttribute::type).containsExactly(
                StunAttribute.SOFTWARE, StunAttribute.PRIORITY, StunAttribute.ICE_CONTROLLED,
                StunAttribute.USERNAME, StunAttribute.MESSAGE_INTEGRITY, StunAttribute.FINGERPRINT);
        assertThat(m.xorMappedAddress()).isNull();
        assertThat(m.errorCode()).isEqualTo(-1);
    }

    @Test
    void verifiesIntegrityAndFingerprintOfRfc5769SampleRequest() throws Exception {
        StunMessage m = parse(SAMPLE_REQUEST);
        assertThat(m.hasValidMessageIntegrity(key())).isTrue();
        assertThat(m.hasValidMessageIntegrity(PASSWORD.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(m.hasValidFingerprint()).isTrue();
    }

    @Test
    void rejectsIntegrityUnderWrongPassword() throws Exception {
        StunMessage m = parse(SAMPLE_REQUEST);
        assertThat(m.hasValidMessageIntegrity(MessageIntegrityKey.shortTerm("VOkJxbRl1RmTxUk/WvJxBu"))).isFalse();
    }

    @Test
    void parsesRfc5769Ipv4ResponseAndVerifiesIt() throws Exception {
        StunMessage m = parse(SAMPLE_IPV4_RESPONSE);
        assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(m.method()).isEqualTo(StunMessage.METHOD_BINDING);
        assertThat(m.xorMappedAddress())
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
        assertThat(m.hasValidMessageIntegrity(key())).isTrue();
        assertThat(m.hasValidFingerprint()).isTrue();
    }

    @Test
    void parsesRfc5769Ipv6ResponseAndVerifiesIt() throws Exception {
        StunMessage m = parse(SAMPLE_IPV6_RESPONSE);
        assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(m.xorMappedAddress()).isEqualTo(new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
        assertThat(m.hasValidMessageIntegrity(key())).isTrue();
        assertThat(m.hasValidFingerprint()).isTrue();
    }

    @Test
    void rebuildsRfc5769SampleRequestByteForByte() {
        byte[] rebuilt = new StunMessageWriter().padding((byte) 0x20)
                .begin(StunClass.REQUEST, StunMessage.METHOD_BINDING, TX_ID)
                .software("STUN test client")
                .priority(0x6e0001ffL)
                .iceControlled(0x932ff9b151263b36L)
                .username("evtj:h6vY")
                .messageIntegrity(key())
                .fingerprint()
                .toByteArray();
        assertThat(rebuilt).isEqualTo(SAMPLE_REQUEST);
    }

    @Test
    void rebuildsRfc5769Ipv4ResponseByteForByte() throws Exception {
        byte[] rebuilt = new StunMessageWriter().padding((byte) 0x20)
                .begin(StunClass.SUCCESS_RESPONSE, StunMessage.METHOD_BINDING, TX_ID)
                .software("test vector")
                .xorMappedAddress(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853))
                .messageIntegrity(key())
                .fingerprint()
                .toByteArray();
        assertThat(rebuilt).isEqualTo(SAMPLE_IPV4_RESPONSE);
    }

    @Test
    void rebuildsRfc5769Ipv6ResponseByteForByte() throws Exception {
        byte[] rebuilt = new StunMessageWriter().padding((byte) 0x20)
                .begin(StunClass.SUCCESS_RESPONSE, StunMessage.METHOD_BINDING, TX_ID)
                .software("test vector")
                .xorMappedAddress(new InetSocketAddress(
                        InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853))
                .messageIntegrity(key())
                .fingerprint()
                .toByteArray();
        assertThat(rebuilt).isEqualTo(SAMPLE_IPV6_RESPONSE);
    }

    @Test
    void detectsAnyFlippedBitInIntegrityCoveredBytes() throws Exception {
        // Every byte before MESSAGE-INTEGRITY's value, except the length field, is covered by the HMAC.
        int integrityValueAt = SAMPLE_REQUEST.length - 8 - 20;
        for (int i = 0; i < integrityValueAt + 20; i++) {
            if (i == 2 || i == 3) {
                continue;
            }
            byte[] copy = SAMPLE_REQUEST.clone();
            copy[i] ^= 0x01;
            StunMessage m;
            try {
                m = parse(copy);
            } catch (StunParseException e) {
                continue; // a flipped type or length bit may make it malformed: fine
            }
            assertThat(m.hasValidMessageIntegrity(key())).as("byte %d", i).isFalse();
            assertThat(m.hasValidFingerprint()).as("byte %d", i).isFalse();
        }
    }

    @Test
    void detectsWrongFingerprint() throws Exception {
        byte[] copy = SAMPLE_IPV4_RESPONSE.clone();
        copy[copy.length - 1] ^= 0x40;
        StunMessage m = parse(copy);
        assertThat(m.hasValidFingerprint()).isFalse();
        assertThat(m.hasValidMessageIntegrity(key())).isTrue();
    }

    // ---- MESSAGE-INTEGRITY placement ----

    @Test
    void ignoresAttributesAfterMessageIntegrityExceptFingerprint() throws Exception {
        StunMessageWriter w = new StunMessageWriter()
                .begin(StunClass.REQUEST, StunMessage.METHOD_BINDING, TX_ID)
                .username("alice:bob")
                .messageIntegrity(key());
        byte[] signed = w.toByteArray();
        // Append, after MESSAGE-INTEGRITY, an unauthenticated USE-CANDIDATE, PRIORITY and a USERNAME,
        // then a FINGERPRINT over the whole, as an attacker on the path could.
        byte[] extra = hex("0025 0000  0024 0004 00000001  0006 0004 65766521");
        byte[] tampered = new byte[signed.length + extra.length + 8];
        System.arraycopy(signed, 0, tampered, 0, signed.length);
        System.arraycopy(extra, 0, tampered, signed.length, extra.length);
        int fpAt = signed.length + extra.length;
        int body = tampered.length - 20;
        tampered[2] = (byte) (body >>> 8);
        tampered[3] = (byte) body;
        tampered[fpAt] = (byte) 0x80;
        tampered[fpAt + 1] = 0x28;
        tampered[fpAt + 3] = 4;
        int crc = StunMessage.fingerprint(tampered, 0, fpAt);
        tampered[fpAt + 4] = (byte) (crc >>> 24);
        tampered[fpAt + 5] = (byte) (crc >>> 16);
        tampered[fpAt + 6] = (byte) (crc >>> 8);
        tampered[fpAt + 7] = (byte) crc;

        StunMessage m = parse(tampered);
        assertThat(m.hasValidMessageIntegrity(key())).isTrue();
        assertThat(m.hasValidFingerprint()).isTrue();
        assertThat(m.useCandidate()).isFalse();
        assertThat(m.priority()).isEqualTo(-1);
        assertThat(m.username()).isEqualTo("alice:bob");
        assertThat(m.attributes()).extracting(StunAttribute::type).containsExactly(
                StunAttribute.USERNAME, StunAttribute.MESSAGE_INTEGRITY, StunAttribute.FINGERPRINT);
    }

    @Test
    void rejectsAttributeAfterFingerprint() {
        byte[] fp = new StunMessageWriter().begin(StunClass.REQUEST, StunMessage.METHOD_BINDING, TX_ID)
                .fingerprint().toByteArray();
        byte[] b = new byte[fp.length + 4];
        System.arraycopy(fp, 0, b, 0, fp.length);
        b[3] = (byte) (b.length - 20);
        b[fp.length + 1] = 0x25; // USE-CANDIDATE, empty
        assertThatThrownBy(() -> parse(b)).isInstanceOf(StunParseException.class);
    }

    @Test
    void writerRefusesAttributesAfterIntegrityOrFingerprint() {
        StunMessageWriter w = new StunMessageWriter()
                .begin(StunClass.REQUEST, StunMessage.METHOD_BINDING, TX_ID)
                .messageIntegrity(key());
        assertThatThrownBy(w::useCandidate).isInstanceOf(IllegalStateException.class);
        w.fingerprint();
        assertThatThrownBy(w::fingerprint).isInstanceOf(IllegalStateException.class);
    }

    // ---- round trips ----

    @Test
    void roundTripsBindingSuccessResponseWithIpv4() throws Exception {
        StunMessage request = parse(SAMPLE_REQUEST);
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 61000);
        byte[] bytes = StunMessageWriter.bindingSuccessResponse(request, mapped, key());
        StunMessage m = parse(bytes);
        assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(m.method()).isEqualTo(StunMessage.METHOD_BINDING);
        assertThat(m.transactionId()).isEqualTo(TX_ID);
        assertThat(m.xorMappedAddress()).isEqualTo(mapped);
        assertThat(m.hasValidMessageIntegrity(key())).isTrue();
        assertThat(m.hasValidFingerprint()).isTrue();
        assertThat(bytes).hasSize(20 + 12 + 24 + 8);
    }

    @Test
    void roundTripsBindingSuccessResponseWithIpv6() throws Exception {
        StunMessage request = parse(SAMPLE_REQUEST);
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("fe80::1:2:3:4"), 1);
        StunMessage m = parse(StunMessageWriter.bindingSuccessResponse(request, mapped, key()));
        assertThat(m.xorMappedAddress()).isEqualTo(mapped);
        assertThat(m.hasValidMessageIntegrity(key())).isTrue();
        assertThat(m.hasValidFingerprint()).isTrue();
    }

    @Test
    void roundTripsErrorResponses() throws Exception {
        StunMessage request = parse(SAMPLE_REQUEST);
        for (int code : new int[] {400, 401, 487}) {
            MessageIntegrityKey k = code == 487 ? key() : null;
            StunMessage m = parse(StunMessageWriter.errorResponse(request, code, "Reason " + code, k));
            assertThat(m.messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
            assertThat(m.method()).isEqualTo(StunMessage.METHOD_BINDING);
            assertThat(m.transactionId()).isEqualTo(TX_ID);
            assertThat(m.errorCode()).isEqualTo(code);
            assertThat(m.errorReason()).isEqualTo("Reason " + code);
            assertThat(m.hasMessageIntegrity()).isEqualTo(k != null);
            if (k != null) {
                assertThat(m.hasValidMessageIntegrity(k)).isTrue();
            }
            assertThat(m.hasValidFingerprint()).isTrue();
        }
    }

    @Test
    void padsOddLengthReasonAndUsernameWithZeros() throws Exception {
        byte[] b = new StunMessageWriter().begin(StunClass.REQUEST, StunMessage.METHOD_BINDING, TX_ID)
                .username("abcde").toByteArray();
        assertThat(b).hasSize(20 + 4 + 8);
        assertThat(b[2] << 8 | b[3]).isEqualTo(12);
        assertThat(b[22] << 8 | b[23]).isEqualTo(5);
        assertThat(new byte[] {b[29], b[30], b[31]}).containsOnly(0);
        assertThat(parse(b).username()).isEqualTo("abcde");
    }

    @Test
    void roundTripsIceBindingRequest() throws Exception {
        byte[] tx = StunMessageWriter.newTransactionId(new Random(7));
        byte[] bytes = StunMessageWriter.iceBindingRequest(tx, "srvr:clnt", 2130706431L, -2L, true, key());
        StunMessage m = parse(bytes);
        assertThat(m.isBindingRequest()).isTrue();
        assertThat(m.transactionId()).isEqualTo(tx);
        assertThat(m.username()).isEqualTo("srvr:clnt");
        assertThat(m.priority()).isEqualTo(2130706431L);
        assertThat(m.iceControlling()).isTrue();
        assertThat(m.iceControlled()).isFalse();
        assertThat(m.tieBreaker()).isEqualTo(-2L);
        assertThat(m.useCandidate()).isTrue();
        assertThat(m.hasValidMessageIntegrity(key())).isTrue();
        assertThat(m.hasValidFingerprint()).isTrue();

        StunMessage plain = parse(StunMessageWriter.iceBindingRequest(tx, "a:b", 1, 1, false, key()));
        assertThat(plain.useCandidate()).isFalse();
    }

    @Test
    void encodesAndDecodesEveryClassAndMethodBit() throws Exception {
        for (StunClass cls : StunClass.values()) {
            for (int method : new int[] {0x001, 0x003, 0x00F, 0x010, 0x070, 0x080, 0xF80, 0xFFF}) {
                StunMessage m = parse(new StunMessageWriter().begin(cls, method, TX_ID).toByteArray());
                assertThat(m.messageClass()).isEqualTo(cls);
                assertThat(m.method()).isEqualTo(method);
            }
        }
        // Known wire values (RFC 8489 §6): 0x0001 request, 0x0011 indication, 0x0101 success, 0x0111 error.
        assertThat(StunClass.REQUEST.messageType(1)).isEqualTo(0x0001);
        assertThat(StunClass.INDICATION.messageType(1)).isEqualTo(0x0011);
        assertThat(StunClass.SUCCESS_RESPONSE.messageType(1)).isEqualTo(0x0101);
        assertThat(StunClass.ERROR_RESPONSE.messageType(1)).isEqualTo(0x0111);
    }

    @Test
    void parsesAtAnOffsetInsideALargerBuffer() throws Exception {
        byte[] big = new byte[SAMPLE_REQUEST.length + 37];
        System.arraycopy(SAMPLE_REQUEST, 0, big, 13, SAMPLE_REQUEST.length);
        StunMessage m = StunMessage.parse(big, 13, SAMPLE_REQUEST.length);
        assertThat(m.username()).isEqualTo("evtj:h6vY");
        assertThat(m.hasValidMessageIntegrity(key())).isTrue();
        assertThat(m.hasValidFingerprint()).isTrue();
        byte[] tx = new byte[12];
        m.copyTransactionId(tx, 0);
        assertThat(tx).isEqualTo(TX_ID);
    }

    // ---- demux and malformed input ----

    @Test
    void recognisesStunByFirstBitsAndMagicCookie() {
        assertThat(StunMessage.looksLikeStun(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length)).isTrue();
        byte[] dtls = SAMPLE_REQUEST.clone();
        dtls[0] = 22; // DTLS handshake record (RFC 7983: 20..63); its top two bits are zero too
        assertThat(StunMessage.looksLikeStun(dtls, 0, dtls.length)).isFalse();
        byte[] errorResponse = SAMPLE_REQUEST.clone();
        errorResponse[1] = 0x11;
        errorResponse[0] = 0x01; // 0x0111: Binding error response
        assertThat(StunMessage.looksLikeStun(errorResponse, 0, errorResponse.length)).isTrue();
        byte[] rtp = SAMPLE_REQUEST.clone();
        rtp[0] = (byte) 0x80; // RTP version 2
        assertThat(StunMessage.looksLikeStun(rtp, 0, rtp.length)).isFalse();
        byte[] noCookie = SAMPLE_REQUEST.clone();
        noCookie[5] = 0;
        assertThat(StunMessage.looksLikeStun(noCookie, 0, noCookie.length)).isFalse();
        assertThat(StunMessage.looksLikeStun(SAMPLE_REQUEST, 0, 19)).isFalse();
        assertThat(StunMessage.looksLikeStun(SAMPLE_REQUEST, 100, 20)).isFalse();
        assertThat(StunMessage.looksLikeStun(null, 0, 20)).isFalse();
    }

    @Test
    void rejectsEveryTruncationOfTheVectors() {
        for (byte[] vector : new byte[][] {SAMPLE_REQUEST, SAMPLE_IPV4_RESPONSE, SAMPLE_IPV6_RESPONSE}) {
            for (int n = 0; n < vector.length; n++) {
                int len = n;
                assertThatThrownBy(() -> StunMessage.parse(vector, 0, len))
                        .as("length %d", len).isInstanceOf(StunParseException.class);
            }
        }
    }

    @Test
    void rejectsRangesOutsideTheBuffer() {
        byte[] b = SAMPLE_REQUEST;
        assertThatThrownBy(() -> StunMessage.parse(b, -1, 20)).isInstanceOf(StunParseException.class);
        assertThatThrownBy(() -> StunMessage.parse(b, 0, -1)).isInstanceOf(StunParseException.class);
        assertThatThrownBy(() -> StunMessage.parse(b, 1, b.length)).isInstanceOf(StunParseException.class);
        assertThatThrownBy(() -> StunMessage.parse(b, Integer.MAX_VALUE, 2)).isInstanceOf(StunParseException.class);
    }

    @Test
    void rejectsWrongSizesOfKnownAttributes() {
        // PRIORITY with 2 bytes, ICE-CONTROLLING with 4, XOR-MAPPED-ADDRESS IPv6 family with 8 bytes.
        for (String attr : new String[] {"0024 0002 00010000", "802a 0004 00000000", "0020 0008 0002a147 e112a643"}) {
            byte[] body = hex(attr);
            byte[] b = new byte[20 + body.length];
            System.arraycopy(SAMPLE_REQUEST, 0, b, 0, 20);
            b[2] = 0;
            b[3] = (byte) body.length;
            System.arraycopy(body, 0, b, 20, body.length);
            assertThatThrownBy(() -> parse(b)).as(attr).isInstanceOf(StunParseException.class);
        }
    }

    /** Mutated vectors and random bytes: only StunParseException may escape, and accessors never throw. */
    @Test
    void survivesMutatedAndRandomInput() {
        Random random = new Random(0x5354554e);
        byte[][] seeds = {SAMPLE_REQUEST, SAMPLE_IPV4_RESPONSE, SAMPLE_IPV6_RESPONSE};
        MessageIntegrityKey k = key();
        int parsed = 0;
        for (int iteration = 0; iteration < 50_000; iteration++) {
            byte[] seed = seeds[random.nextInt(seeds.length)];
            byte[] b;
            int mode = random.nextInt(4);
            if (mode == 0) {
                b = new byte[random.nextInt(120)];
                random.nextBytes(b);
                if (b.length >= 8 && random.nextBoolean()) {
                    System.arraycopy(seed, 0, b, 0, 8); // keep a plausible header
                }
            } else {
                b = seed.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                if (mode == 2) {
                    b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 8));
                }
                if (mode == 3 && b.length > 20) {
                    // make the length field agree with the datagram so the attribute walk is exercised
                    int body = b.length - 20;
                    b[2] = (byte) (body >>> 8);
                    b[3] = (byte) body;
                }
            }
            try {
                StunMessage m = StunMessage.parse(b, 0, b.length);
                parsed++;
                exerciseAccessors(m, k);
            } catch (StunParseException expected) {
                // the only allowed outcome besides success
            }
        }
        assertThat(parsed).as("some mutations still parse").isGreaterThan(100);
    }

    private static void exerciseAccessors(StunMessage m, MessageIntegrityKey k) {
        m.messageClass();
        m.method();
        m.transactionId();
        m.attributes();
        m.username();
        m.priority();
        m.useCandidate();
        m.iceControlled();
        m.iceControlling();
        m.tieBreaker();
        m.xorMappedAddress();
        m.errorCode();
        m.errorReason();
        m.hasValidMessageIntegrity(k);
        m.hasValidFingerprint();
        m.toString();
    }
}
