package dev.ingot.rtc.sdp;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One entry of the resolved decoder preference list: a codec the server can decode and, for H.264,
 * the profiles that decoder takes (a GPU decoder may take fewer). The negotiation picks the first
 * choice whose codec the offer has.
 */
public record VideoCodecChoice(VideoCodec codec, Set<H264Profile> h264Profiles) {
    public VideoCodecChoice {
        h264Profiles = h264Profiles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(h264Profiles));
        if (codec == VideoCodec.H264 && h264Profiles.isEmpty()) {
            throw new IllegalArgumentException("an H264 choice needs at least one profile");
        }
    }

    /** VP8, VP9, or H264 with every profile Ingot accepts. */
    public static VideoCodecChoice of(VideoCodec codec) {
        return new VideoCodecChoice(codec, codec == VideoCodec.H264 ? EnumSet.allOf(H264Profile.class) : Set.of());
    }

    public static VideoCodecChoice h264(Set<H264Profile> profiles) {
        return new VideoCodecChoice(VideoCodec.H264, profiles);
    }

    public boolean accepts(H264Profile profile) {
        return h264Profiles.contains(profile);
    }

    /** "VP9", "H264", or "H264(constrained-baseline, main)" when only some profiles are taken. */
    public String label() {
        if (codec != VideoCodec.H264 || h264Profiles.size() == H264Profile.values().length) {
            return codec.encodingName();
        }
        return "H264(" + EnumSet.copyOf(h264Profiles).stream().map(H264Profile::label)
                .collect(Collectors.joining(", ")) + ")";
    }
}
