package dev.ingot.server.input;

import dev.ingot.media.decode.DecoderPreference;
import java.util.List;
import java.util.Optional;

/**
 * A validated {@code whip_server} register request.
 *
 * @param decoderPreferences as given (or Smelter's default {@code ["any"]})
 * @param bearerToken        as given, empty to generate one
 * @param bufferSizeMs       floor of the adaptive jitter buffer, empty for the default
 * @param offsetMs           Ingot's extension {@code offset_ms} (Smelter's {@code whip_server} has none): the
 *                           stream is placed no earlier than this long after the queue start
 */
public record WhipInputSpec(
        List<DecoderPreference> decoderPreferences,
        Optional<String> bearerToken,
        boolean required,
        Optional<Double> bufferSizeMs,
        Optional<Double> offsetMs,
        SideChannelOptions sideChannel) {
    public WhipInputSpec {
        decoderPreferences = List.copyOf(decoderPreferences);
    }
}
