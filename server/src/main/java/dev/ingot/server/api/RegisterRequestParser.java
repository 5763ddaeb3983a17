package dev.ingot.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.media.decode.DecoderPreference;
import dev.ingot.media.decode.DecoderPreferences;
import dev.ingot.server.input.SideChannelOptions;
import dev.ingot.server.input.WhipInputSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code POST /api/input/:id/register} bodies strictly, as Smelter's serde schema does
 * ({@code deny_unknown_fields}): a body that does not fit the schema is 422 MALFORMED_REQUEST, a value of the
 * right type that is invalid is 400 MALFORMED_REQUEST.
 */
public final class RegisterRequestParser {
    /** Ids become socket file names, so Ingot restricts them (a documented difference from Smelter). */
    public static final Pattern INPUT_ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
    /** Smelter input types Ingot knows of but does not implement. */
    private static final Set<String> OTHER_SMELTER_TYPES = Set.of("rtp_stream", "mp4", "hls", "whep_client",
            "decklink", "v4l2", "rtmp_server");
    /** Smelter's {@code WhipInput} fields, plus Ingot's extension {@code offset_ms}. */
    private static final Set<String> TOP_FIELDS = Set.of("type", "video", "bearer_token", "required",
            "buffer_size_ms", "side_channel", "offset_ms");
    /**
     * The largest {@code offset_ms}. A live stream that arrives before its offset is held back until then, so the
     * queue buffers up to that much decoded media of it (its window grows with the offset): 10 s of 1080p30 is
     * 300 pictures, about 1 GB.
     */
    public static final double MAX_OFFSET_MS = 10_000;
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,256}");

    private RegisterRequestParser() {
    }

    public static void checkInputId(String id) {
        if (id == null || !INPUT_ID.matcher(id).matches()) {
            throw ApiException.malformed(400, "invalid input id \"" + printable(id)
                    + "\": use 1 to 64 characters from A-Z a-z 0-9 _ . - (the id names side-channel socket files)");
        }
    }

    public static WhipInputSpec parse(JsonNode body) {
        if (!body.isObject()) {
            throw schema("expected a JSON object, got " + kind(body));
        }
        JsonNode type = body.get("type");
        if (type == null) {
            throw schema("missing field `type`");
        }
        if (!type.isTextual()) {
            throw schema("field `type` must be a string");
        }
        if (!"whip_server".equals(type.asText())) {
            if (OTHER_SMELTER_TYPES.contains(type.asText())) {
                throw schema("input type `" + type.asText() + "` is not supported by Ingot: only `whip_server` is");
            }
            throw schema("unknown input type `" + printable(type.asText()) + "`, expected `whip_server`");
        }
        rejectUnknown(body, TOP_FIELDS, "");
        List<DecoderPreference> prefs = DecoderPreferences.DEFAULT;
        JsonNode video = body.get("video");
        if (video != null && !video.isNull()) {
            requireObject(video, "video");
            rejectUnknown(video, Set.of("decoder_preferences"), "video.");
            JsonNode list = video.get("decoder_preferences");
            if (list != null && !list.isNull()) {
                if (!list.isArray()) {
                    throw schema("field `video.decoder_preferences` must be an array of strings");
                }
                List<DecoderPreference> given = new ArrayList<>();
                for (JsonNode e : list) {
                    given.add(preference(e, "video.decoder_preferences"));
                }
                if (!given.isEmpty()) { // an empty list means ["any"], as in Smelter's whip_into.rs
                    prefs = given;
                }
            }
        }
        Optional<String> token = Optional.empty();
        JsonNode tokenNode = body.get("bearer_token");
        if (tokenNode != null && !tokenNode.isNull()) {
            if (!tokenNode.isTextual()) {
                throw schema("field `bearer_token` must be a string");
            }
            if (!TOKEN.matcher(tokenNode.asText()).matches()) {
                throw ApiException.malformed(400, "`bearer_token` must be 1 to 256 visible ASCII characters (no spaces)");
            }
            token = Optional.of(tokenNode.asText());
        }
        boolean required = optionalBool(body, "required", "required").orElse(false);
        Optional<Double> buffer = optionalNumber(body, "buffer_size_ms");
        buffer.ifPresent(v -> {
            if (!(v >= 0) || v > 10_000) {
                throw ApiException.malformed(400, "`buffer_size_ms` must be between 0 and 10000, got " + v);
            }
        });
        Optional<Double> offset = optionalNumber(body, "offset_ms");
        offset.ifPresent(v -> {
            if (!(v >= 0) || v > MAX_OFFSET_MS) {
                throw ApiException.malformed(400, "`offset_ms` must be between 0 and " + (long) MAX_OFFSET_MS
                        + " (Ingot's extension: the queue holds a stream that arrives early until then), got " + v);
            }
        });
        SideChannelOptions side = SideChannelOptions.NONE;
        JsonNode sc = body.get("side_channel");
        if (sc != null && !sc.isNull()) {
            requireObject(sc, "side_channel");
            rejectUnknown(sc, Set.of("video", "audio", "delay_ms"), "side_channel.");
            boolean v = optionalBool(sc, "video", "side_channel.video").orElse(false);
            boolean a = optionalBool(sc, "audio", "side_channel.audio").orElse(false);
            double delay = optionalNumber(sc, "delay_ms").orElse(0.0);
            if (!(delay >= 0) || delay > 60_000) {
                throw ApiException.malformed(400, "`side_channel.delay_ms` must be between 0 and 60000, got " + delay);
            }
            side = new SideChannelOptions(v, a, delay);
        }
        return new WhipInputSpec(prefs, token, required, buffer, offset, side);
    }

    /**
     * Unregister takes {@code {}} or {@code {"schedule_time_ms": number}}; returns the schedule time if any. Other
     * fields are ignored, as by Smelter's {@code UnregisterInput} (no {@code deny_unknown_fields}).
     */
    public static Optional<Double> parseUnregister(JsonNode body) {
        if (!body.isObject()) {
            throw schema("expected a JSON object, got " + kind(body));
        }
        Optional<Double> t = optionalNumber(body, "schedule_time_ms");
        t.ifPresent(v -> {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw ApiException.malformed(400, "`schedule_time_ms` must be a non-negative number, got " + v);
            }
        });
        return t;
    }

    private static DecoderPreference preference(JsonNode e, String field) {
        if (!e.isTextual()) {
            throw schema("entries of `" + field + "` must be strings");
        }
        return DecoderPreference.fromJsonName(e.asText()).orElseThrow(() -> schema("unknown variant `"
                + printable(e.asText()) + "` in `" + field
                + "`, expected one of ffmpeg_h264, ffmpeg_vp8, ffmpeg_vp9, vulkan_h264, ffmpeg_hevc, ffmpeg_av1, any"));
    }

    private static void rejectUnknown(JsonNode obj, Set<String> allowed, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
        while (it.hasNext()) {
            String name = it.next().getKey();
            if (!allowed.contains(name)) {
                throw schema("unknown field `" + prefix + printable(name) + "`");
            }
        }
    }

    private static void requireObject(JsonNode n, String field) {
        if (!n.isObject()) {
            throw schema("field `" + field + "` must be an object");
        }
    }

    private static Optional<Boolean> optionalBool(JsonNode obj, String name, String field) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isBoolean()) {
            throw schema("field `" + field + "` must be a boolean");
        }
        return Optional.of(n.asBoolean());
    }

    private static Optional<Double> optionalNumber(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isNumber()) {
            throw schema("field `" + name + "` must be a number");
        }
        return Optional.of(n.asDouble());
    }

    private static ApiException schema(String message) {
        return ApiException.malformed(422, message);
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
