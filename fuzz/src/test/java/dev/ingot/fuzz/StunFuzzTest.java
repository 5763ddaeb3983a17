package dev.ingot.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.rtc.ice.BindingResult;
import dev.ingot.rtc.ice.IceLiteAgent;
import dev.ingot.rtc.ice.IceState;
import dev.ingot.rtc.stun.MessageIntegrityKey;
import dev.ingot.rtc.stun.StunAttribute;
import dev.ingot.rtc.stun.StunClass;
import dev.ingot.rtc.stun.StunMessage;
import dev.ingot.rtc.stun.StunParseException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * STUN (RFC 8489) and the ICE-lite agent (RFC 8445 §2.5): {@link StunMessage#parse} throws only
 * {@link StunParseException}, every accessor of a parsed message works, and {@link IceLiteAgent#handleStun}
 * never throws and only ever answers with a well-formed response to the request's transaction.
 */
class StunFuzzTest {
    /** RFC 5769 §2 short-term password: the seed vectors' MESSAGE-INTEGRITY verifies under it. */
    private static final MessageIntegrityKey RFC5769_KEY = MessageIntegrityKey.shortTerm("VOkJxbRl1RmTxUk/WvJxBt");
    private static final int[] KNOWN_TYPES = {StunAttribute.MAPPED_ADDRESS, StunAttribute.USERNAME,
        StunAttribute.MESSAGE_INTEGRITY, StunAttribute.ERROR_CODE, StunAttribute.UNKNOWN_ATTRIBUTES,
        StunAttribute.REALM, StunAttribute.NONCE, StunAttribute.MESSAGE_INTEGRITY_SHA256,
        StunAttribute.XOR_MAPPED_ADDRESS, StunAttribute.PRIORITY, StunAttribute.USE_CANDIDATE,
        StunAttribute.SOFTWARE, StunAttribute.ALTERNATE_SERVER, StunAttribute.FINGERPRINT,
        StunAttribute.ICE_CONTROLLED, StunAttribute.ICE_CONTROLLING};

    /** Raw bytes into the parser, then every accessor and check; the same bytes at an offset parse alike. */
    @FuzzTest
    void parse(byte[] data) {
        StunMessage.looksLikeStun(data, 0, data.length);
        StunMessage message;
        try {
            message = StunMessage.parse(data, 0, data.length);
        } catch (StunParseException e) {
            byte[] shifted = shifted(data, 5);
            try {
                StunMessage.parse(shifted, 5, data.length);
                throw new AssertionError("parses at offset 5 but not at 0", e);
            } catch (StunParseException expected) {
                return;
            }
        }
        Summary atZero = exercise(message, data, 0, data.length);

        byte[] shifted = shifted(data, 5);
        try {
            Summary atFive = exercise(StunMessage.parse(shifted, 5, data.length), shifted, 5, data.length);
            assertThat(atFive).as("same message at offset 5").isEqualTo(atZero);
        } catch (StunParseException e) {
            throw new AssertionError("parses at offset 0 but not at 5", e);
        }
    }

    /**
     * An ICE-lite agent fed a sequence of raw datagrams, fuzzer-described requests signed with our real keys (so
     * that the authenticated paths run), restarts and clock jumps.
     */
    @FuzzTest
    void iceLiteAgent(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        int setup = in.u8();
        long now = Fixtures.T0;
        IceLiteAgent agent = new IceLiteAgent(Fixtures.LOCAL_ICE, (setup & 1) == 0 ? Fixtures.REMOTE_UFRAG : null,
                Fixtures.REMOTE_PWD, Duration.ofSeconds(30), now);
        if ((setup & 2) == 0) {
            agent.start(now);
        }
        int steps = 0;
        while (in.hasMore() && steps++ < 64) {
            int op = in.u8();
            now += (long) in.u16() * Fixtures.MILLI;
            InetSocketAddress from = Fixtures.peer(op >>> 4);
            switch (op & 3) {
                case 0 -> checkResult(agent, in.chunk(), from, now);
                case 1 -> checkResult(agent, StunRequests.build(in), from, now);
                case 2 -> agent.restart((op & 4) == 0 ? Fixtures.RESTART_ICE : Fixtures.LOCAL_ICE,
                        (op & 8) == 0 ? Fixtures.REMOTE_UFRAG : null, null);
                default -> agent.start(now);
            }
            IceState state = agent.state();
            boolean expired = agent.consentExpired(now);
            InetSocketAddress selected = agent.selectedAddress();
            if (expired) {
                assertThat(agent.state()).isEqualTo(IceState.DISCONNECTED);
            } else if (selected != null) {
                assertThat(agent.isFrom(selected)).as("selected address is a validated one").isTrue();
                assertThat(state).isEqualTo(IceState.CONNECTED);
            }
            agent.consentDeadlineNanos();
            agent.isNominated();
            agent.localCredentials();
            agent.previousLocalCredentials();
            agent.remoteUfrag();
            for (InetSocketAddress peer : Fixtures.PEERS) {
                agent.isFrom(peer);
            }
        }
    }

    private static void checkResult(IceLiteAgent agent, byte[] datagram, InetSocketAddress from, long now) {
        byte[] copy = datagram.clone();
        BindingResult result = agent.handleStun(datagram, 0, datagram.length, from, now);
        assertThat(datagram).as("handleStun leaves the datagram alone").isEqualTo(copy);
        if (!(result instanceof BindingResult.Reply reply)) {
            return;
        }
        assertThat(reply.to()).isEqualTo(from);
        StunMessage request;
        StunMessage response;
        try {
            request = StunMessage.parse(datagram, 0, datagram.length);
            response = StunMessage.parse(reply.datagram(), 0, reply.datagram().length);
        } catch (StunParseException e) {
            throw new AssertionError("a reply implies a well-formed request and a well-formed response", e);
        }
        assertThat(request.isBindingRequest()).as("only Binding requests are answered").isTrue();
        assertThat(response.messageClass()).isIn(StunClass.SUCCESS_RESPONSE, StunClass.ERROR_RESPONSE);
        assertThat(response.method()).isEqualTo(StunMessage.METHOD_BINDING);
        assertThat(response.hasTransactionId(request.transactionId())).isTrue();
        assertThat(response.hasValidFingerprint()).isTrue();
        if (response.messageClass() == StunClass.SUCCESS_RESPONSE) {
            assertThat(response.xorMappedAddress()).isEqualTo(from);
            assertThat(response.hasValidMessageIntegrity(StunRequests.key(Fixtures.LOCAL_ICE))
                    || response.hasValidMessageIntegrity(StunRequests.key(Fixtures.RESTART_ICE)))
                    .as("success responses are signed with one of our passwords").isTrue();
        } else {
            assertThat(response.errorCode()).isIn(400, 401, 487);
        }
    }

    /** What a parsed message says, to compare the same bytes parsed at different offsets. */
    private record Summary(StunClass cls, int method, int attributes, String username, long priority, long tieBreaker,
                           InetSocketAddress mapped, int errorCode, String errorReason, boolean integrity,
                           boolean validIntegrity, boolean fingerprint, boolean validFingerprint, String text) {
    }

    private static Summary exercise(StunMessage m, byte[] buf, int off, int len) {
        assertThat(m.buffer()).isSameAs(buf);
        assertThat(m.offset()).isEqualTo(off);
        assertThat(m.length()).isEqualTo(len);
        m.isBindingRequest();
        byte[] txId = m.transactionId();
        assertThat(txId).hasSize(StunMessage.TRANSACTION_ID_LENGTH)
                .isEqualTo(Arrays.copyOfRange(buf, off + 8, off + 20));
        assertThat(m.hasTransactionId(txId)).isTrue();
        byte[] copied = new byte[14];
        m.copyTransactionId(copied, 2);
        int count = m.attributeCount();
        assertThat(m.attributes()).hasSize(count);
        for (int i = 0; i < count; i++) {
            StunAttribute a = m.attribute(i);
            assertThat(a.valueOffset()).isBetween(off + StunMessage.HEADER_LENGTH, off + len);
            assertThat(a.valueOffset() + a.valueLength()).isLessThanOrEqualTo(off + len);
            assertThat(a.value()).hasSize(a.valueLength());
            assertThat(a.valueBuffer().remaining()).isEqualTo(a.valueLength());
            a.comprehensionRequired();
            a.toString();
        }
        for (int type : KNOWN_TYPES) {
            int i = m.indexOf(type);
            assertThat(m.has(type)).isEqualTo(i >= 0);
            StunAttribute found = m.find(type);
            assertThat(found == null).isEqualTo(i < 0);
        }
        String username = m.username();
        if (username != null) {
            byte[] raw = m.find(StunAttribute.USERNAME).value();
            assertThat(m.usernameEquals(raw)).isTrue();
            assertThat(m.usernameStartsWith(Arrays.copyOf(raw, raw.length / 2))).isTrue();
        }
        m.usernameEquals("srvUfrag:pubU".getBytes(StandardCharsets.UTF_8));
        m.usernameStartsWith("srvUfrag:".getBytes(StandardCharsets.UTF_8));
        long priority = m.priority();
        assertThat(priority).isBetween(-1L, 0xFFFF_FFFFL);
        m.useCandidate();
        m.iceControlling();
        m.iceControlled();
        int errorCode = m.errorCode();
        assertThat(errorCode).isBetween(-1, 7 * 100 + 255);
        boolean validIntegrity = m.hasValidMessageIntegrity(RFC5769_KEY);
        assertThat(m.hasValidMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(validIntegrity);
        m.hasValidMessageIntegrity(StunRequests.key(Fixtures.LOCAL_ICE));
        if (validIntegrity) {
            assertThat(m.hasMessageIntegrity()).isTrue();
        }
        boolean validFingerprint = m.hasValidFingerprint();
        if (validFingerprint) {
            assertThat(m.hasFingerprint()).isTrue();
        }
        return new Summary(m.messageClass(), m.method(), count, username, priority, m.tieBreaker(),
                m.xorMappedAddress(), errorCode, m.errorReason(), m.hasMessageIntegrity(), validIntegrity,
                m.hasFingerprint(), validFingerprint, m.toString());
    }

    private static byte[] shifted(byte[] data, int offset) {
        byte[] out = new byte[data.length + offset + 3];
        Arrays.fill(out, (byte) 0x5A);
        System.arraycopy(data, 0, out, offset, data.length);
        return out;
    }
}
