package dev.ingot.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class IngotConfigTest {

    @Test
    void defaultsMatchSmelter() {
        IngotConfig c = IngotConfig.fromMap(Map.of());
        assertThat(c.apiPort()).isEqualTo(8081);
        assertThat(c.whipPort()).isEqualTo(9000);
        assertThat(c.whipServerEnabled()).isTrue();
        assertThat(c.outputFramerate()).isEqualTo(new Framerate(30, 1));
        assertThat(c.mixingSampleRate()).isEqualTo(48000);
        assertThat(c.inputBufferDurationMs()).isEqualTo(80);
        assertThat(c.streamFallbackTimeoutMs()).isEqualTo(3000);
        assertThat(c.stunServers()).containsExactly("stun:stun.l.google.com:19302");
        assertThat(c.instanceId()).startsWith("smelter_");
        assertThat(c.udpPortRange()).isEmpty();
        assertThat(c.udpMuxPort()).isEmpty();
    }

    @Test
    void readsEveryValueGiven() {
        IngotConfig c = IngotConfig.fromMap(Map.ofEntries(
                Map.entry("SMELTER_INSTANCE_ID", "box1"),
                Map.entry("SMELTER_API_PORT", "18081"),
                Map.entry("SMELTER_WHIP_WHEP_SERVER_PORT", "19000"),
                Map.entry("SMELTER_START_WHIP_WHEP_SERVER", "0"),
                Map.entry("SMELTER_WEBRTC_UDP_PORT_RANGE", "50000:50100"),
                Map.entry("SMELTER_WEBRTC_UDP_MUX_PORT", "50200"),
                Map.entry("SMELTER_WEBRTC_1_TO_1_NAT_IPS", "203.0.113.7, 2001:db8::1"),
                Map.entry("SMELTER_WEBRTC_STUN_SERVERS", ""),
                Map.entry("SMELTER_OUTPUT_FRAMERATE", "30000/1001"),
                Map.entry("SMELTER_MIXING_SAMPLE_RATE", "16000"),
                Map.entry("SMELTER_STREAM_FALLBACK_TIMEOUT_MS", "500")));
        assertThat(c.instanceId()).isEqualTo("box1");
        assertThat(c.apiPort()).isEqualTo(18081);
        assertThat(c.whipPort()).isEqualTo(19000);
        assertThat(c.whipServerEnabled()).isFalse();
        assertThat(c.udpPortRange()).contains(new PortRange(50000, 50100));
        assertThat(c.udpMuxPort()).contains(50200);
        assertThat(c.natIps()).containsExactly("203.0.113.7", "2001:db8::1");
        assertThat(c.stunServers()).isEmpty();
        assertThat(c.outputFramerate().fps()).isCloseTo(29.97, org.assertj.core.data.Offset.offset(0.01));
        assertThat(c.mixingSampleRate()).isEqualTo(16000);
        assertThat(c.streamFallbackTimeoutMs()).isEqualTo(500);
    }

    @Test
    void legacyStunVariableIsReadWhenTheNewOneIsAbsent() {
        IngotConfig c = IngotConfig.fromMap(Map.of("SMELTER_STUN_SERVERS", "stun.example.org:3478"));
        assertThat(c.stunServers()).containsExactly("stun:stun.example.org:3478");
    }

    @Test
    void badValuesNameTheVariableAndTheAcceptedForm() {
        assertBad("SMELTER_API_PORT", "abc", "SMELTER_API_PORT", "1 to 65535");
        assertBad("SMELTER_WHIP_WHEP_SERVER_PORT", "70000", "SMELTER_WHIP_WHEP_SERVER_PORT", "1 to 65535");
        assertBad("SMELTER_MIXING_SAMPLE_RATE", "44100", "SMELTER_MIXING_SAMPLE_RATE", "8000, 12000, 16000, 24000, 48000");
        assertBad("SMELTER_WEBRTC_UDP_PORT_RANGE", "9000-9100", "SMELTER_WEBRTC_UDP_PORT_RANGE", "start:end");
        assertBad("SMELTER_WEBRTC_UDP_PORT_RANGE", "9100:9000", "SMELTER_WEBRTC_UDP_PORT_RANGE", "start:end");
        assertBad("SMELTER_OUTPUT_FRAMERATE", "0", "SMELTER_OUTPUT_FRAMERATE", "NUM/DEN");
        assertBad("SMELTER_OUTPUT_FRAMERATE", "30/x", "SMELTER_OUTPUT_FRAMERATE", "NUM/DEN");
        assertBad("SMELTER_START_WHIP_WHEP_SERVER", "yes", "SMELTER_START_WHIP_WHEP_SERVER", "true, 1, false or 0");
        assertBad("SMELTER_WEBRTC_1_TO_1_NAT_IPS", "my.host", "SMELTER_WEBRTC_1_TO_1_NAT_IPS", "IP addresses");
        assertBad("SMELTER_LOGGER_LEVEL", "loud", "SMELTER_LOGGER_LEVEL", "error, warn, info");
        assertBad("SMELTER_STREAM_FALLBACK_TIMEOUT_MS", "-1", "SMELTER_STREAM_FALLBACK_TIMEOUT_MS", "milliseconds");
    }

    @Test
    void apiAndWhipOnTheSamePortIsRejected() {
        assertThatThrownBy(() -> IngotConfig.fromMap(Map.of("SMELTER_API_PORT", "9000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("different ports");
    }

    private static void assertBad(String name, String value, String... fragments) {
        assertThatThrownBy(() -> IngotConfig.fromMap(Map.of(name, value)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    @Test
    void disconnectTimeoutDefaultsToFiveSecondsAndMustBeShorterThanTheConsentTimeout() {
        IngotConfig c = IngotConfig.fromMap(Map.of());
        assertThat(c.consentTimeoutMs()).isEqualTo(30_000);
        assertThat(c.disconnectTimeoutMs()).isEqualTo(5_000);
        assertThat(IngotConfig.fromMap(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", "4000")).disconnectTimeoutMs())
                .as("half a short consent timeout").isEqualTo(2_000);
        assertThat(IngotConfig.fromMap(Map.of("INGOT_DISCONNECT_TIMEOUT_MS", "2500")).disconnectTimeoutMs())
                .isEqualTo(2_500);
        assertThatThrownBy(() -> IngotConfig.fromMap(Map.of("INGOT_DISCONNECT_TIMEOUT_MS", "30000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGOT_DISCONNECT_TIMEOUT_MS=30000")
                .hasMessageContaining("shorter than INGOT_ICE_CONSENT_TIMEOUT_MS");
        assertThatThrownBy(() -> IngotConfig.fromMap(Map.of("INGOT_DISCONNECT_TIMEOUT_MS", "50")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGOT_DISCONNECT_TIMEOUT_MS");
    }
}
