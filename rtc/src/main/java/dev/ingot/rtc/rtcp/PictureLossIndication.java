package dev.ingot.rtc.rtcp;

import static dev.ingot.rtc.rtcp.Unsigned.requireU32;

/** Picture loss indication, RFC 4585 §6.3.1: asks the sender of {@code mediaSsrc} for a keyframe. */
public record PictureLossIndication(long senderSsrc, long mediaSsrc) implements RtcpPacket {

    public PictureLossIndication {
        requireU32("senderSsrc", senderSsrc);
        requireU32("mediaSsrc", mediaSsrc);
    }
}
