package dev.ingot.rtc.sdp;

import java.util.Locale;

/** The {@code a=setup} attribute (RFC 4145 §4, used for DTLS by RFC 8842 §5). */
public enum Setup {
    ACTIVE, PASSIVE, ACTPASS, HOLDCONN;

    static Setup parse(String value) throws SdpParseException {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "active" -> ACTIVE;
            case "passive" -> PASSIVE;
            case "actpass" -> ACTPASS;
            case "holdconn" -> HOLDCONN;
            default -> throw new SdpParseException("invalid a=setup value '" + SdpText.clip(value) + "'");
        };
    }

    public String sdpName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
