package dev.ingot.rtc.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Collects the ICE (RFC 8839 §5) and DTLS (RFC 8842 §5) attributes that may appear at session or
 * media level, in offers and in trickle fragments.
 */
final class TransportAttributes {
    Optional<String> iceUfrag = Optional.empty();
    Optional<String> icePwd = Optional.empty();
    final List<String> iceOptions = new ArrayList<>();
    boolean iceLite;
    final List<Fingerprint> fingerprints = new ArrayList<>();
    Optional<Setup> setup = Optional.empty();
    final List<IceCandidate> candidates = new ArrayList<>();
    boolean endOfCandidates;

    /** Consumes the attribute if it is a transport attribute; returns false otherwise. */
    boolean accept(Attribute a) throws SdpParseException {
        switch (a.name()) {
            case "ice-ufrag" -> {
                String v = requireToken(a);
                if (iceUfrag.isEmpty()) {
                    iceUfrag = Optional.of(v);
                }
            }
            case "ice-pwd" -> {
                String v = requireToken(a);
                if (icePwd.isEmpty()) {
                    icePwd = Optional.of(v);
                }
            }
            case "ice-options" -> {
                for (String o : SdpText.tokens(requireValue(a))) {
                    if (!iceOptions.contains(o)) {
                        iceOptions.add(o);
                    }
                }
            }
            case "ice-lite" -> iceLite = true;
            case "fingerprint" -> fingerprints.add(Fingerprint.parse(requireValue(a)));
            case "setup" -> {
                Setup s = Setup.parse(requireValue(a));
                if (setup.isEmpty()) {
                    setup = Optional.of(s);
                }
            }
            case "candidate" -> candidates.add(IceCandidate.parse(requireValue(a)));
            case "end-of-candidates" -> endOfCandidates = true;
            default -> {
                return false;
            }
        }
        return true;
    }

    static String requireValue(Attribute a) throws SdpParseException {
        if (a.value().isEmpty() || a.value().get().isEmpty()) {
            throw new SdpParseException("a=" + a.name() + " needs a value");
        }
        return a.value().get();
    }

    static String requireToken(Attribute a) throws SdpParseException {
        String v = requireValue(a);
        if (!SdpText.isVisibleToken(v)) {
            throw new SdpParseException("invalid a=" + a.name() + " value");
        }
        return v;
    }
}
