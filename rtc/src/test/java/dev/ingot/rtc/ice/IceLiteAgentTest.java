package dev.ingot.rtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingot.rtc.stun.MessageIntegrityKey;
import dev.ingot.rtc.stun.StunClass;
import dev.ingot.rtc.stun.StunMessage;
import dev.ingot.rtc.stun.StunMessageWriter;
import dev.ingot.rtc.stun.StunParseException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IceLiteAgentTest {
    static final IceCredentials LOCAL = new IceCredentials("srvUfrag", "serverPasswordOf24Chars+");
    static final String REMOTE_UFRAG = "pubU";
    static final String REMOTE_PWD = "publisherPasswordXXXXXX";
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final long T0 = 1_000_000_000L;
    static final long SECOND = 1_000_000_000L;

    static final InetSocketAddress PEER = address("192.0.2.10", 50000);
    static final InetSocketAddress OTHER_PEER = address("198.51.100.20", 50001);
    static final InetSocketAddress PEER_V6 = address("2001:db8::beef", 40000);

    private final Random random = new Random(42);

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static IceLiteAgent agent() {
        IceLiteAgent agent = new IceLiteAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD, TIMEOUT, 0);
        agent.start(T0);
        return agent;
    }

    /** A check as a controlling publisher sends it: USERNAME "ourUfrag:theirUfrag", signed with our pwd. */
    RequestBuilder check() {
        return new RequestBuilder();
    }

    final class RequestBuilder {
        String username = LOCAL.ufrag() + ":" + REMOTE_UFRAG;
        String password = LOCAL.pwd();
        boolean useCandidate;
        boolean controlled;
        boolean integrity = true;
        boolean withUsername = true;
        boolean badFingerprint;
        byte[] txId = StunMessageWriter.newTransactionId(random);

        RequestBuilder username(String u) {
            username = u;
            return this;
        }

        RequestBuilder password(String p) {
            password = p;
            return this;
        }

        RequestBuilder nominate() {
            useCandidate = true;
            return this;
        }

        RequestBuilder claimControlled() {
            controlled = true;
            return this;
        }

        RequestBuilder withoutIntegrity() {
            integrity = false;
            return this;
        }

        RequestBuilder withoutUsername() {
            withUsername = false;
            return this;
        }

        RequestBuilder corruptFingerprint() {
            badFingerprint = true;
            return this;
        }

        StunMessage build() {
            StunMessageWriter w = new StunMessageWriter().begin(StunClass.REQUEST, StunMessage.METHOD_BINDING, txId);
            if (withUsername) {
                w.username(username);
            }
            w.priority(1853817087L);
            if (controlled) {
                w.iceControlled(7);
            } else {
                w.iceControlling(7);
            }
            if (useCandidate) {
                w.useCandidate();
            }
            if (integrity) {
                w.messageIntegrity(MessageIntegrityKey.shortTerm(password));
            }
            byte[] b = w.fingerprint().toByteArray();
            if (badFingerprint) {
                b[b.length - 1] ^= 1;
            }
            return parse(b);
        }
    }

    static StunMessage parse(byte[] b) {
        try {
            return StunMessage.parse(b, 0, b.length);
        } catch (StunParseException e) {
            throw new AssertionError(e);
        }
    }

    static StunMessage replyTo(BindingResult result, InetSocketAddress expectedTo) {
        assertThat(result).isInstanceOf(BindingResult.Reply.class);
        BindingResult.Reply reply = (BindingResult.Reply) result;
        assertThat(reply.to()).isEqualTo(expectedTo);
        StunMessage m = parse(reply.datagram());
        assertThat(m.hasValidFingerprint()).isTrue();
        return m;
    }

    static BindingResult handle(IceLiteAgent agent, StunMessage m, InetSocketAddress from, long now) {
        return agent.handleStun(m, m.buffer(), m.offset(), m.length(), from, now);
    }

    // ---- answering checks ----

    @Test
    void answersValidCheckWithSenderAddressAndLocalPasswordIntegrity() {
        IceLiteAgent agent = agent();
        StunMessage request = check().build();
        StunMessage response = replyTo(handle(agent, request, PEER, T0 + SECOND), PEER);

        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.method()).isEqualTo(StunMessage.METHOD_BINDING);
        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        assertThat(response.xorMappedAddress()).isEqualTo(PEER);
        assertThat(response.hasValidMessageIntegrity(MessageIntegrityKey.shortTerm(LOCAL.pwd()))).isTrue();
        assertThat(response.hasValidMessageIntegrity(MessageIntegrityKey.shortTerm(REMOTE_PWD))).isFalse();
        assertThat(response.username()).isNull();
        assertThat(agent.state()).isEqualTo(IceState.CONNECTED);
        assertThat(agent.isFrom(PEER)).isTrue();
    }

    @Test
    void answersIpv6SenderWithIpv6MappedAddress() {
        IceLiteAgent agent = agent();
        StunMessage response = replyTo(handle(agent, check().nominate().build(), PEER_V6, T0), PEER_V6);
        assertThat(response.xorMappedAddress()).isEqualTo(PEER_V6);
        assertThat(response.hasValidMessageIntegrity(MessageIntegrityKey.shortTerm(LOCAL.pwd()))).isTrue();
        assertThat(agent.selectedAddress()).isEqualTo(PEER_V6);
    }

    @Test
    void rejectsWrongPasswordWith401WithoutIntegrity() {
        IceLiteAgent agent = agent();
        StunMessage request = check().password("notTheServerPassword12345").build();
        StunMessage response = replyTo(handle(agent, request, PEER, T0), PEER);
        assertThat(response.messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
        assertThat(response.errorCode()).isEqualTo(401);
        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        assertThat(response.hasMessageIntegrity()).isFalse();
        assertThat(agent.isFrom(PEER)).isFalse();
        assertThat(agent.selectedAddress()).isNull();
        assertThat(agent.state()).isEqualTo(IceState.CHECKING);
    }

    @Test
    void rejectsSignatureWithRemotePasswordWith401() {
        // A confused peer signing with its own password instead of ours.
        IceLiteAgent agent = agent();
        StunMessage response = replyTo(handle(agent, check().password(REMOTE_PWD).build(), PEER, T0), PEER);
        assertThat(response.errorCode()).isEqualTo(401);
    }

    @Test
    void dropsCheckWithWrongUsername() {
        IceLiteAgent agent = agent();
        assertThat(handle(agent, check().username("otherUfr:" + REMOTE_UFRAG).build(), PEER, T0))
                .isInstanceOf(BindingResult.Drop.class);
        assertThat(handle(agent, check().username(LOCAL.ufrag() + ":wrongRemote").build(), PEER, T0))
                .isInstanceOf(BindingResult.Drop.class);
        assertThat(handle(agent, check().username(LOCAL.ufrag()).build(), PEER, T0))
                .isInstanceOf(BindingResult.Drop.class);
        assertThat(handle(agent, check().username(REMOTE_UFRAG + ":" + LOCAL.ufrag()).build(), PEER, T0))
                .as("username the wrong way round").isInstanceOf(BindingResult.Drop.class);
        assertThat(agent.isFrom(PEER)).isFalse();
        assertThat(agent.state()).isEqualTo(IceState.CHECKING);
    }

    @Test
    void acceptsAnyRemoteUfragWhenItIsUnknown() {
        IceLiteAgent agent = new IceLiteAgent(LOCAL, null, null, TIMEOUT, T0);
        replyTo(handle(agent, check().username(LOCAL.ufrag() + ":whatever").build(), PEER, T0), PEER);
        assertThat(agent.isFrom(PEER)).isTrue();
        assertThat(handle(agent, check().username("srvUfragX:whatever").build(), PEER, T0))
                .as("local part must still match exactly").isInstanceOf(BindingResult.Drop.class);
    }

    @Test
    void answers400WhenUsernameOrIntegrityIsMissing() {
        IceLiteAgent agent = agent();
        StunMessage noUser = replyTo(handle(agent, check().withoutUsername().build(), PEER, T0), PEER);
        assertThat(noUser.errorCode()).isEqualTo(400);
        assertThat(noUser.hasMessageIntegrity()).isFalse();
        StunMessage noIntegrity = replyTo(handle(agent, check().withoutIntegrity().build(), PEER, T0), PEER);
        assertThat(noIntegrity.errorCode()).isEqualTo(400);
        assertThat(agent.isFrom(PEER)).isFalse();
    }

    @Test
    void answers487WhenPeerAlsoClaimsControlledRole() {
        IceLiteAgent agent = agent();
        StunMessage response = replyTo(handle(agent, check().claimControlled().nominate().build(), PEER, T0), PEER);
        assertThat(response.errorCode()).isEqualTo(487);
        assertThat(response.hasValidMessageIntegrity(MessageIntegrityKey.shortTerm(LOCAL.pwd()))).isTrue();
        assertThat(agent.isFrom(PEER)).isFalse();
        assertThat(agent.selectedAddress()).isNull();
    }

    @Test
    void dropsResponsesIndicationsOtherMethodsAndBadFingerprints() {
        IceLiteAgent agent = agent();
        byte[] tx = StunMessageWriter.newTransactionId(random);
        StunMessage success = parse(new StunMessageWriter().begin(StunClass.SUCCESS_RESPONSE, 1, tx)
                .xorMappedAddress(PEER).fingerprint().toByteArray());
        StunMessage indication = parse(new StunMessageWriter().begin(StunClass.INDICATION, 1, tx)
                .fingerprint().toByteArray());
        StunMessage allocate = parse(new StunMessageWriter().begin(StunClass.REQUEST, 0x003, tx)
                .username(LOCAL.ufrag() + ":" + REMOTE_UFRAG)
                .messageIntegrity(MessageIntegrityKey.shortTerm(LOCAL.pwd())).fingerprint().toByteArray());
        for (StunMessage m : new StunMessage[] {success, indication, allocate, check().corruptFingerprint().build()}) {
            assertThat(handle(agent, m, PEER, T0)).as(m.toString()).isInstanceOf(BindingResult.Drop.class);
        }
        assertThat(agent.isFrom(PEER)).isFalse();
    }

    @Test
    void dropsMalformedBytes() {
        IceLiteAgent agent = agent();
        byte[] junk = {0, 1, 0, 0, 0x21, 0x12};
        assertThat(agent.handleStun(junk, 0, junk.length, PEER, T0)).isInstanceOf(BindingResult.Drop.class);
    }

    @Test
    void refusesMessageNotParsedFromTheGivenBytes() {
        IceLiteAgent agent = agent();
        StunMessage m = check().build();
        assertThatThrownBy(() -> agent.handleStun(m, m.buffer().clone(), 0, m.length(), PEER, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsChecksWithoutFingerprint() {
        IceLiteAgent agent = agent();
        byte[] b = new StunMessageWriter()
                .begin(StunClass.REQUEST, StunMessage.METHOD_BINDING, StunMessageWriter.newTransactionId(random))
                .username(LOCAL.ufrag() + ":" + REMOTE_UFRAG)
                .messageIntegrity(MessageIntegrityKey.shortTerm(LOCAL.pwd()))
                .toByteArray();
        replyTo(agent.handleStun(b, 0, b.length, PEER, T0), PEER);
    }

    // ---- selection ----

    @Test
    void useCandidateSelectsTheSenderAndLaterNominationsSwitch() {
        IceLiteAgent agent = agent();
        handle(agent, check().build(), OTHER_PEER, T0);
        assertThat(agent.isNominated()).isFalse();
        handle(agent, check().nominate().build(), PEER, T0 + 1);
        assertThat(agent.selectedAddress()).isEqualTo(PEER);
        assertThat(agent.isNominated()).isTrue();
        handle(agent, check().build(), OTHER_PEER, T0 + 2);
        assertThat(agent.selectedAddress()).as("checks without USE-CANDIDATE do not move it").isEqualTo(PEER);
        handle(agent, check().nominate().build(), OTHER_PEER, T0 + 3);
        assertThat(agent.selectedAddress()).isEqualTo(OTHER_PEER);
        assertThat(agent.isFrom(PEER)).isTrue();
        assertThat(agent.isFrom(OTHER_PEER)).isTrue();
        assertThat(agent.isFrom(address("192.0.2.10", 50002))).as("same host, other port").isFalse();
    }

    @Test
    void firstValidAddressStandsAsSelectedWhenPeerNeverNominates() {
        IceLiteAgent agent = agent();
        assertThat(agent.selectedAddress()).isNull();
        handle(agent, check().build(), PEER, T0);
        handle(agent, check().build(), OTHER_PEER, T0);
        assertThat(agent.selectedAddress()).isEqualTo(PEER);
        assertThat(agent.isNominated()).isFalse();
        assertThat(agent.state()).isEqualTo(IceState.CONNECTED);
    }

    @Test
    void remembersABoundedNumberOfAddressesButKeepsTheSelectedOne() {
        IceLiteAgent agent = agent();
        handle(agent, check().nominate().build(), PEER, T0);
        for (int i = 0; i < 3 * IceLiteAgent.MAX_VALIDATED_ADDRESSES; i++) {
            handle(agent, check().build(), address("10.0.0." + (i + 1), 1000), T0);
        }
        assertThat(agent.isFrom(PEER)).isTrue();
        assertThat(agent.isFrom(address("10.0.0." + 3 * IceLiteAgent.MAX_VALIDATED_ADDRESSES, 1000))).isTrue();
        assertThat(agent.isFrom(address("10.0.0.1", 1000))).isFalse();
    }

    // ---- consent ----

    @Test
    void consentExpiresExactlyAfterTheTimeoutSinceStart() {
        IceLiteAgent agent = agent();
        long timeout = TIMEOUT.toNanos();
        assertThat(agent.consentDeadlineNanos()).isEqualTo(T0 + timeout);
        assertThat(agent.consentExpired(T0 + timeout - 1)).isFalse();
        assertThat(agent.state()).isEqualTo(IceState.CHECKING);
        assertThat(agent.consentExpired(T0 + timeout)).isTrue();
        assertThat(agent.state()).isEqualTo(IceState.DISCONNECTED);
    }

    @Test
    void authenticatedTrafficRefreshesConsentLikeACheckUntilItHasExpired() {
        IceLiteAgent agent = agent();
        long timeout = TIMEOUT.toNanos();
        agent.refreshConsent(T0 + 20 * SECOND); // SRTP from the publisher, no check
        assertThat(agent.lastConsentNanos()).isEqualTo(T0 + 20 * SECOND);
        assertThat(agent.consentExpired(T0 + timeout + SECOND)).isFalse();
        assertThat(agent.consentDeadlineNanos()).isEqualTo(T0 + 20 * SECOND + timeout);
        agent.refreshConsent(T0 + 10 * SECOND); // an older time never moves it back
        assertThat(agent.lastConsentNanos()).isEqualTo(T0 + 20 * SECOND);
        assertThat(agent.consentExpired(T0 + 20 * SECOND + timeout)).isTrue();
        agent.refreshConsent(T0 + 20 * SECOND + timeout + 1);
        assertThat(agent.consentExpired(T0 + 20 * SECOND + timeout + 2)).as("expiry is final").isTrue();
    }

    @Test
    void consentCountsFromConstructionUntilStarted() {
        IceLiteAgent agent = new IceLiteAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD, TIMEOUT, T0);
        assertThat(agent.state()).isEqualTo(IceState.NEW);
        assertThat(agent.consentExpired(T0 + TIMEOUT.toNanos() - 1)).isFalse();
        assertThat(agent.consentExpired(T0 + TIMEOUT.toNanos())).isTrue();
    }

    @Test
    void checksFromTheSelectedAddressRefreshConsent() {
        IceLiteAgent agent = agent();
        long timeout = TIMEOUT.toNanos();
        long t = T0;
        for (int i = 0; i < 10; i++) {
            t += timeout - 1; // just inside the window each time
            assertThat(agent.consentExpired(t)).isFalse();
            replyTo(handle(agent, check().nominate().build(), PEER, t), PEER);
        }
        assertThat(agent.consentDeadlineNanos()).isEqualTo(t + timeout);
        assertThat(agent.consentExpired(t + timeout - 1)).isFalse();
        assertThat(agent.consentExpired(t + timeout)).isTrue();
    }

    @Test
    void checksFromOtherAddressesOrFailingChecksDoNotRefreshConsent() {
        IceLiteAgent agent = agent();
        handle(agent, check().nominate().build(), PEER, T0);
        long timeout = TIMEOUT.toNanos();
        handle(agent, check().build(), OTHER_PEER, T0 + timeout / 2);
        handle(agent, check().password("notTheServerPassword12345").build(), PEER, T0 + timeout / 2);
        handle(agent, check().claimControlled().build(), PEER, T0 + timeout / 2);
        assertThat(agent.consentExpired(T0 + timeout)).isTrue();
    }

    @Test
    void afterExpiryNothingIsAnsweredOrAccepted() {
        IceLiteAgent agent = agent();
        handle(agent, check().nominate().build(), PEER, T0);
        long late = T0 + TIMEOUT.toNanos();
        assertThat(handle(agent, check().nominate().build(), PEER, late)).isInstanceOf(BindingResult.Drop.class);
        assertThat(agent.state()).isEqualTo(IceState.DISCONNECTED);
        assertThat(agent.isFrom(PEER)).isFalse();
        assertThat(agent.consentExpired(late - 1)).as("expiry is final").isTrue();
    }

    // ---- ICE restart ----

    @Test
    void restartAcceptsOldCredentialsUntilTheFirstValidCheckWithNewOnes() {
        IceLiteAgent agent = agent();
        handle(agent, check().nominate().build(), PEER, T0);
        IceCredentials newLocal = new IceCredentials("newUfrag", "aNewServerPasswordOf24Ch");
        agent.restart(newLocal, "pub2", "anotherPublisherPassword");
        assertThat(agent.localCredentials()).isEqualTo(newLocal);
        assertThat(agent.previousLocalCredentials()).isEqualTo(LOCAL);
        assertThat(agent.remoteUfrag()).isEqualTo("pub2");

        // Old credentials still work (media keeps flowing) and refresh consent.
        replyTo(handle(agent, check().nominate().build(), PEER, T0 + 10 * SECOND), PEER);
        assertThat(agent.consentDeadlineNanos()).isEqualTo(T0 + 10 * SECOND + TIMEOUT.toNanos());

        // New credentials work; the response is signed with the new password.
        StunMessage newCheck = check().username("newUfrag:pub2").password(newLocal.pwd()).build();
        StunMessage response = replyTo(handle(agent, newCheck, OTHER_PEER, T0 + 11 * SECOND), OTHER_PEER);
        assertThat(response.hasValidMessageIntegrity(MessageIntegrityKey.shortTerm(newLocal.pwd()))).isTrue();
        assertThat(agent.previousLocalCredentials()).isNull();
        assertThat(agent.selectedAddress()).as("selection starts over with the new check").isEqualTo(OTHER_PEER);
        assertThat(agent.isFrom(PEER)).as("validated addresses are kept").isTrue();

        // From now on the old credentials are dropped.
        assertThat(handle(agent, check().nominate().build(), PEER, T0 + 12 * SECOND))
                .isInstanceOf(BindingResult.Drop.class);
        replyTo(handle(agent, check().username("newUfrag:pub2").password(newLocal.pwd()).nominate().build(),
                PEER, T0 + 13 * SECOND), PEER);
        assertThat(agent.selectedAddress()).isEqualTo(PEER);
        assertThat(agent.isNominated()).isTrue();
    }

    @Test
    void restartWithNewUsernameButOldPasswordIsRejected() {
        IceLiteAgent agent = agent();
        IceCredentials newLocal = new IceCredentials("newUfrag", "aNewServerPasswordOf24Ch");
        agent.restart(newLocal, "pub2", null);
        StunMessage response = replyTo(handle(agent,
                check().username("newUfrag:pub2").password(LOCAL.pwd()).build(), PEER, T0), PEER);
        assertThat(response.errorCode()).isEqualTo(401);
        assertThat(agent.previousLocalCredentials()).as("restart still pending").isEqualTo(LOCAL);
    }

    @Test
    void restartKeepingTheUfragAcceptsBothPasswordsUntilTheNewOneIsUsed() {
        IceLiteAgent agent = agent();
        IceCredentials newLocal = new IceCredentials(LOCAL.ufrag(), "aNewServerPasswordOf24Ch");
        agent.restart(newLocal, REMOTE_UFRAG, null);
        replyTo(handle(agent, check().build(), PEER, T0), PEER);
        replyTo(handle(agent, check().password(newLocal.pwd()).build(), PEER, T0), PEER);
        StunMessage old = replyTo(handle(agent, check().build(), PEER, T0), PEER);
        assertThat(old.errorCode()).isEqualTo(401);
    }

    @Test
    void rejectsNonPositiveConsentTimeout() {
        assertThatThrownBy(() -> new IceLiteAgent(LOCAL, null, null, Duration.ZERO, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
