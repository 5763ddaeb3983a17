package dev.ingot.rtc.sdp;

import java.util.List;

/**
 * What the server puts in its answer about its own transport: ICE credentials (RFC 8839 §5.4), the
 * DTLS certificate fingerprint (RFC 8122), its candidates (at least one, reachable by the publisher),
 * and whether it is an ICE-lite agent (RFC 8445 §2.5; Ingot always is).
 */
public record LocalTransport(String iceUfrag, String icePwd, Fingerprint fingerprint, List<IceCandidate> candidates,
        boolean iceLite) {
    public LocalTransport {
        candidates = List.copyOf(candidates);
        // RFC 8839 §5.4: ufrag 4-256 ice-chars, pwd 22-256 ice-chars.
        if (!isIceChars(iceUfrag, 4) || !isIceChars(icePwd, 22)) {
            throw new IllegalArgumentException("ice-ufrag needs 4-256 and ice-pwd 22-256 ice-chars");
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("an answer needs at least one candidate");
        }
        java.util.Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** An ICE-lite transport. */
    public static LocalTransport iceLite(String iceUfrag, String icePwd, Fingerprint fingerprint,
            List<IceCandidate> candidates) {
        return new LocalTransport(iceUfrag, icePwd, fingerprint, candidates, true);
    }

    /** The candidate whose address goes into c= and whose port into m=: the first UDP one, else the first. */
    public IceCandidate defaultCandidate() {
        return candidates.stream().filter(IceCandidate::isUdp).findFirst().orElse(candidates.get(0));
    }

    private static boolean isIceChars(String s, int min) {
        if (s == null || s.length() < min || s.length() > 256) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
