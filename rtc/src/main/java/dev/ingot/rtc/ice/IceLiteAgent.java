package dev.ingot.rtc.ice;

import dev.ingot.rtc.stun.MessageIntegrityKey;
import dev.ingot.rtc.stun.StunAttribute;
import dev.ingot.rtc.stun.StunClass;
import dev.ingot.rtc.stun.StunMessage;
import dev.ingot.rtc.stun.StunMessageWriter;
import dev.ingot.rtc.stun.StunParseException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * An ICE-lite agent in the controlled role (RFC 8445 §2.5, §7.3) that also enforces consent
 * freshness as the responder (RFC 7675): it answers the publisher's connectivity checks, remembers
 * which remote addresses passed one, follows the publisher's nomination, and declares consent
 * expired when no valid check came from the selected address for the consent timeout. Sans-IO and
 * not thread-safe: one session loop drives it, passing the time in.
 *
 * <h2>Rules for a Binding request</h2>
 * <ol>
 *   <li>Responses and indications, other methods, and requests with a wrong FINGERPRINT (when one
 *       is present) are dropped.</li>
 *   <li>USERNAME or MESSAGE-INTEGRITY missing: 400 Bad Request (RFC 8489 §9.1.3).</li>
 *   <li>USERNAME other than {@code <localUfrag>:<remoteUfrag>} (any remote part when the remote
 *       ufrag is unknown): <b>dropped</b>, not answered with 401. Such a request is not for this
 *       session (a stale ufrag after an ICE restart, another session on a shared port, a scan), and
 *       answering it would only make us a reflector.</li>
 *   <li>MESSAGE-INTEGRITY not valid under the local password: 401 Unauthenticated, without
 *       MESSAGE-INTEGRITY (RFC 8489 §9.1.3).</li>
 *   <li>ICE-CONTROLLED present (the peer claims our role): 487 Role Conflict. A lite agent is always
 *       controlled (RFC 8445 §6.1.1) and cannot switch, whatever the tie-breakers.</li>
 *   <li>Otherwise the check is valid: the sender's address joins the validated addresses
 *       ({@link #isFrom}), USE-CANDIDATE nominates it, and the reply is a success response with
 *       XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT. Unknown attributes are ignored
 *       (no 420), as browsers add private ones.</li>
 * </ol>
 *
 * <h2>Selected address</h2>
 * The selected address is the last nominated one (USE-CANDIDATE). Chrome (regular or aggressive
 * nomination) and FFmpeg nominate; for a peer that never does, the first address whose check was
 * valid stands as the selected address until a nomination arrives, so media can flow anyway.
 *
 * <h2>Consent</h2>
 * Every valid check from the selected address refreshes consent, and so does any authenticated
 * traffic from a validated address that the session reports ({@link #refreshConsent}): RFC 7675
 * makes consent checks the duty of the side that sends media, and some publishers (libnice, so
 * GStreamer's webrtcbin, by default) send none after ICE completes, so their absence alone must not
 * end a session that is streaming. Consent expires when {@code consentTimeout} passes without a
 * refresh, counted from the last one, else from {@link #start} or construction. Expiry is final
 * ({@link IceState#DISCONNECTED}).
 *
 * <h2>ICE restart</h2>
 * After {@link #restart}, checks with the new credentials are accepted, and the old ones keep being
 * accepted until the first valid check with the new ones arrives; then the old ones are dropped and
 * selection starts over (that check's address stands as selected until a new nomination). Validated
 * addresses are kept, so media is not cut during the restart.
 */
public final class IceLiteAgent {
    /** How many validated remote addresses are remembered (oldest non-selected ones are evicted). */
    static final int MAX_VALIDATED_ADDRESSES = 16;

    private static final String REASON_400 = "Bad Request";
    private static final String REASON_401 = "Unauthenticated";
    private static final String REASON_487 = "Role Conflict";

    private final long consentTimeoutNanos;
    private final StunMessageWriter writer = new StunMessageWriter();
    private final InetSocketAddress[] validated = new InetSocketAddress[MAX_VALIDATED_ADDRESSES];
    private int validatedCount;
    private int nextEviction;

    private Generation current;
    private Generation pending;
    private IceState state = IceState.NEW;
    private long lastConsentNanos;
    private InetSocketAddress nominated;
    private InetSocketAddress firstValid;

    /**
     * @param local our credentials (put in the SDP answer)
     * @param remoteUfrag the publisher's ufrag from its offer, or null if unknown (then any remote
     *     part of USERNAME is accepted)
     * @param remotePwd the publisher's password, or null; a lite agent sends no checks, so it is
     *     only kept
     * @param consentTimeout how long without a valid check from the selected address until consent
     *     expires (RFC 7675 uses 30 s)
     * @param nowNanos the current time; consent is counted from here until {@link #start}
     */
    public IceLiteAgent(IceCredentials local, String remoteUfrag, String remotePwd, Duration consentTimeout,
                        long nowNanos) {
        Objects.requireNonNull(consentTimeout, "consentTimeout");
        if (consentTimeout.isNegative() || consentTimeout.isZero()) {
            throw new IllegalArgumentException("consent timeout must be positive");
        }
        this.consentTimeoutNanos = consentTimeout.toNanos();
        this.current = new Generation(local, remoteUfrag, remotePwd);
        this.lastConsentNanos = nowNanos;
    }

    /**
     * Starts waiting for checks (call when the answer goes out): consent is counted from
     * {@code nowNanos} and the state becomes {@link IceState#CHECKING}. Does nothing unless the state
     * is {@link IceState#NEW}.
     */
    public void start(long nowNanos) {
        if (state == IceState.NEW) {
            lastConsentNanos = nowNanos;
            state = IceState.CHECKING;
        }
    }

    /**
     * Handles a STUN message received from {@code from}; {@code raw[off, off+len)} must be the bytes
     * {@code msg} was parsed from (integrity is computed over them).
     *
     * @throws IllegalArgumentException if {@code msg} was not parsed from exactly those bytes
     */
    public BindingResult handleStun(StunMessage msg, byte[] raw, int off, int len, InetSocketAddress from,
                                    long nowNanos) {
        if (msg.buffer() != raw || msg.offset() != off || msg.length() != len) {
            throw new IllegalArgumentException("msg was not parsed from raw[off, off+len)");
        }
        return handleStun(msg, from, nowNanos);
    }

    /** Parses {@code raw[off, off+len)} and handles it; malformed bytes are dropped. */
    public BindingResult handleStun(byte[] raw, int off, int len, InetSocketAddress from, long nowNanos) {
        StunMessage msg;
        try {
            msg = StunMessage.parse(raw, off, len);
        } catch (StunParseException e) {
            return BindingResult.Drop.MALFORMED;
        }
        return handleStun(msg, from, nowNanos);
    }

    /** Handles a parsed STUN message received from {@code from} (see the class comment for the rules). */
    public BindingResult handleStun(StunMessage msg, InetSocketAddress from, long nowNanos) {
        if (consentExpired(nowNanos)) {
            return BindingResult.Drop.CONSENT_EXPIRED;
        }
        if (from.getAddress() == null) {
            return BindingResult.Drop.UNRESOLVED_SENDER;
        }
        if (msg.messageClass() != StunClass.REQUEST) {
            return BindingResult.Drop.NOT_A_REQUEST;
        }
        if (msg.method() != StunMessage.METHOD_BINDING) {
            return BindingResult.Drop.NOT_BINDING;
        }
        if (msg.hasFingerprint() && !msg.hasValidFingerprint()) {
            return BindingResult.Drop.BAD_FINGERPRINT;
        }
        if (!msg.has(StunAttribute.USERNAME) || !msg.hasMessageIntegrity()) {
            return error(msg, from, StunMessageWriter.BAD_REQUEST, REASON_400, null);
        }

        Generation matched = null;
        boolean usernameKnown = false;
        if (pending != null && pending.usernameMatches(msg)) {
            usernameKnown = true;
            if (msg.hasValidMessageIntegrity(pending.key)) {
                matched = pending;
            }
        }
        if (matched == null && current.usernameMatches(msg)) {
            usernameKnown = true;
            if (msg.hasValidMessageIntegrity(current.key)) {
                matched = current;
            }
        }
        if (!usernameKnown) {
            return BindingResult.Drop.UNKNOWN_USERNAME;
        }
        if (matched == null) {
            return error(msg, from, StunMessageWriter.UNAUTHENTICATED, REASON_401, null);
        }
        if (msg.iceControlled()) {
            return error(msg, from, StunMessageWriter.ROLE_CONFLICT, REASON_487, matched.key);
        }

        if (matched == pending) {
            // First valid check with the new credentials: the restart is complete.
            current = pending;
            pending = null;
            nominated = null;
            firstValid = null;
        }
        remember(from);
        if (msg.useCandidate()) {
            nominated = from;
        } else if (nominated == null && firstValid == null) {
            firstValid = from;
        }
        if (from.equals(selectedAddress())) {
            lastConsentNanos = nowNanos;
        }
        state = IceState.CONNECTED;
        byte[] reply = writer.beginResponse(msg, StunClass.SUCCESS_RESPONSE)
                .xorMappedAddress(from)
                .messageIntegrity(matched.key)
                .fingerprint()
                .toByteArray();
        return new BindingResult.Reply(reply, from);
    }

    private BindingResult error(StunMessage msg, InetSocketAddress to, int code, String reason,
                                MessageIntegrityKey key) {
        writer.beginResponse(msg, StunClass.ERROR_RESPONSE).errorCode(code, reason);
        if (key != null) {
            writer.messageIntegrity(key);
        }
        return new BindingResult.Reply(writer.fingerprint().toByteArray(), to);
    }

    private void remember(InetSocketAddress from) {
        for (int i = 0; i < validatedCount; i++) {
            if (validated[i].equals(from)) {
                return;
            }
        }
        if (validatedCount < validated.length) {
            validated[validatedCount++] = from;
            return;
        }
        int i = nextEviction;
        while (validated[i].equals(nominated) || validated[i].equals(firstValid)) {
            i = (i + 1) % validated.length;
        }
        validated[i] = from;
        nextEviction = (i + 1) % validated.length;
    }

    /**
     * Starts an ICE restart (RFC 8445 §9) with new local and remote credentials (remote ufrag and
     * pwd may be null as in the constructor). Until the first valid check with the new credentials,
     * checks with the old ones are still accepted. A second restart before that replaces the first.
     * After consent expired this changes the credentials but the agent stays disconnected.
     */
    public void restart(IceCredentials newLocal, String newRemoteUfrag, String newRemotePwd) {
        pending = new Generation(newLocal, newRemoteUfrag, newRemotePwd);
    }

    /**
     * True once consent has expired: {@code nowNanos} is at least the consent timeout after the last
     * refresh (or after {@link #start}/construction). Expiry is latched: the state becomes
     * {@link IceState#DISCONNECTED} and stays so.
     */
    public boolean consentExpired(long nowNanos) {
        if (state == IceState.DISCONNECTED) {
            return true;
        }
        if (nowNanos - lastConsentNanos >= consentTimeoutNanos) {
            state = IceState.DISCONNECTED;
            return true;
        }
        return false;
    }

    /**
     * Authenticated traffic (DTLS from the selected address, SRTP or SRTCP that passed authentication)
     * arrived from a validated address ({@link #isFrom}, which the caller checked): consent is
     * refreshed as by a check. Does nothing once consent has expired.
     */
    public void refreshConsent(long nowNanos) {
        if (state != IceState.DISCONNECTED && nowNanos - lastConsentNanos > 0) {
            lastConsentNanos = nowNanos;
        }
    }

    /** When consent was last refreshed (or {@link #start}/construction if never). */
    public long lastConsentNanos() {
        return lastConsentNanos;
    }

    /** When consent expires unless refreshed before: call {@link #consentExpired} then. */
    public long consentDeadlineNanos() {
        return lastConsentNanos + consentTimeoutNanos;
    }

    /** The state after the last call that could change it. */
    public IceState state() {
        return state;
    }

    /**
     * The remote address media goes to and is expected from: the last nominated address, else the
     * first address with a valid check (see the class comment); null before any valid check.
     */
    public InetSocketAddress selectedAddress() {
        return nominated != null ? nominated : firstValid;
    }

    /** True once the peer nominated an address with USE-CANDIDATE (since the last completed restart). */
    public boolean isNominated() {
        return nominated != null;
    }

    /**
     * True if {@code address} sent a valid check (so DTLS/SRTP from it may be accepted) and consent
     * has not expired. Allocates nothing.
     */
    public boolean isFrom(InetSocketAddress address) {
        if (state == IceState.DISCONNECTED) {
            return false;
        }
        for (int i = 0; i < validatedCount; i++) {
            if (validated[i].equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Our newest credentials: those of a pending restart, else the ones in use. */
    public IceCredentials localCredentials() {
        return pending != null ? pending.local : current.local;
    }

    /**
     * Our credentials still accepted while a restart is pending (the ones before it), or null when no
     * restart is pending. A shared port demultiplexing by ufrag routes both ufrags here meanwhile.
     */
    public IceCredentials previousLocalCredentials() {
        return pending != null ? current.local : null;
    }

    /** The remote ufrag of the newest credentials, or null if unknown. */
    public String remoteUfrag() {
        return pending != null ? pending.remoteUfrag : current.remoteUfrag;
    }

    /** One set of credentials (initial, or from a restart) with what checking a request needs. */
    private static final class Generation {
        final IceCredentials local;
        final String remoteUfrag;
        final String remotePwd;
        /** "localUfrag:remoteUfrag" in UTF-8, or null when the remote ufrag is unknown. */
        final byte[] username;
        /** "localUfrag:" in UTF-8. */
        final byte[] usernamePrefix;
        final MessageIntegrityKey key;

        Generation(IceCredentials local, String remoteUfrag, String remotePwd) {
            this.local = Objects.requireNonNull(local, "local");
            this.remoteUfrag = remoteUfrag;
            this.remotePwd = remotePwd;
            this.usernamePrefix = (local.ufrag() + ":").getBytes(StandardCharsets.UTF_8);
            this.username = remoteUfrag == null ? null
                    : (local.ufrag() + ":" + remoteUfrag).getBytes(StandardCharsets.UTF_8);
            this.key = MessageIntegrityKey.shortTerm(local.pwd());
        }

        boolean usernameMatches(StunMessage msg) {
            return username != null ? msg.usernameEquals(username) : msg.usernameStartsWith(usernamePrefix);
        }
    }
}
