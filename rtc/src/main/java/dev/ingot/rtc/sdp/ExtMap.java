package dev.ingot.rtc.sdp;

import java.util.List;
import java.util.Optional;

/**
 * {@code a=extmap:<id>[/<direction>] <uri> [<attributes>]} (RFC 8285 §8): an RTP header extension
 * and the id the offerer uses for it.
 */
public record ExtMap(int id, Optional<Direction> direction, String uri, String extensionAttributes) {

    static ExtMap parse(String value) throws SdpParseException {
        List<String> t = SdpText.tokens(value);
        if (t.size() < 2) {
            throw new SdpParseException("a=extmap needs '<id> <uri>'");
        }
        String idPart = t.get(0);
        Optional<Direction> dir = Optional.empty();
        int slash = idPart.indexOf('/');
        if (slash >= 0) {
            dir = Direction.ofAttribute(idPart.substring(slash + 1));
            if (dir.isEmpty()) {
                throw new SdpParseException("invalid extmap direction '" + SdpText.clip(idPart) + "'");
            }
            idPart = idPart.substring(0, slash);
        }
        // 1-14 one-byte, 1-255 two-byte (RFC 8285 §4); 4096-4351 were once used in offers (RFC 5285).
        int id = SdpText.parseInt(idPart, 1, 4351, "extmap id");
        return new ExtMap(id, dir, t.get(1), String.join(" ", t.subList(2, t.size())));
    }
}
