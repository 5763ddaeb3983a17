package dev.ingot.rtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class H264FormatTest {

    @Test
    void classifiesTheProfilesRealPublishersOffer() {
        assertThat(H264Format.classify("42e01f")).contains(H264Profile.CONSTRAINED_BASELINE);
        assertThat(H264Format.classify("42c01f")).contains(H264Profile.CONSTRAINED_BASELINE);
        assertThat(H264Format.classify("4240 1f".replace(" ", ""))).contains(H264Profile.CONSTRAINED_BASELINE);
        assertThat(H264Format.classify("42001f")).contains(H264Profile.BASELINE);
        assertThat(H264Format.classify("42801f")).contains(H264Profile.BASELINE);
        assertThat(H264Format.classify("4d001f")).contains(H264Profile.MAIN);
        assertThat(H264Format.classify("4D0032")).contains(H264Profile.MAIN);
        assertThat(H264Format.classify("640c34")).contains(H264Profile.HIGH);
        assertThat(H264Format.classify("64001f")).contains(H264Profile.HIGH);
    }

    @Test
    void rejectsOtherProfilesAndMalformedIds() {
        assertThat(H264Format.classify("f4001f")).isEmpty(); // High 4:4:4 Predictive
        assertThat(H264Format.classify("6e001f")).isEmpty(); // High 10
        assertThat(H264Format.classify("42e01")).isEmpty();
        assertThat(H264Format.classify("42e01fa")).isEmpty();
        assertThat(H264Format.classify("42g01f")).isEmpty();
        assertThat(H264Format.classify("")).isEmpty();
    }

    @Test
    void defaultsFollowRfc6184() {
        H264Format f = H264Format.of(Fmtp.empty(96));
        assertThat(f).isEqualTo(new H264Format("42000a", Optional.of(H264Profile.BASELINE), 0));
        assertThat(f.supportedPacketization()).isTrue();
    }

    @Test
    void readsPacketizationModeAndLowerCasesTheId() {
        H264Format f = H264Format.of(Fmtp.of(96, "Profile-Level-Id=42E01F; packetization-mode=1"));
        assertThat(f.profileLevelId()).isEqualTo("42e01f");
        assertThat(f.packetizationMode()).isEqualTo(1);
        assertThat(H264Format.of(Fmtp.of(96, "packetization-mode=2")).supportedPacketization()).isFalse();
        assertThat(H264Format.of(Fmtp.of(96, "packetization-mode=x")).supportedPacketization()).isFalse();
    }

    @Test
    void choiceLabelsNameRestrictedProfiles() {
        assertThat(VideoCodecChoice.of(VideoCodec.H264).label()).isEqualTo("H264");
        assertThat(VideoCodecChoice.h264(java.util.EnumSet.of(H264Profile.MAIN, H264Profile.CONSTRAINED_BASELINE))
                .label()).isEqualTo("H264(constrained-baseline, main)");
        assertThat(VideoCodecChoice.of(VideoCodec.VP8).label()).isEqualTo("VP8");
    }
}
