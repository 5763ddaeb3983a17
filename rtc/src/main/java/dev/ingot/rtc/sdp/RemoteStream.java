package dev.ingot.rtc.sdp;

import java.util.Optional;

/**
 * An RTP stream the offer declares with {@code a=ssrc} (RFC 5576): the primary SSRC, its RTX repair
 * SSRC from an {@code a=ssrc-group:FID} (or -1), and the CNAME if given.
 */
public record RemoteStream(long ssrc, long rtxSsrc, Optional<String> cname) {
    public boolean hasRtx() {
        return rtxSsrc >= 0;
    }
}
