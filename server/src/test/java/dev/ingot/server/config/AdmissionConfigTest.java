package dev.ingot.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionConfigTest {

    @Test
    void defaultsAreAGracePeriodOfThirtySecondsAndEightyPercentOfTheJvmsCores() {
        AdmissionConfig c = IngotConfig.fromMap(Map.of()).admission();
        assertThat(c.drainGraceSeconds()).isEqualTo(30);
        assertThat(c.maxDecodeLoad()).isEqualTo(0.8);
        assertThat(c.cpuCores()).isEmpty();
        assertThat(c.usableCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.streamCores()).isEqualTo(0.1);
        assertThat(c.assumedVideo()).isEqualTo(new AdmissionConfig.VideoFormat(1280, 720, 30));
    }

    @Test
    void readsEveryValueGiven() {
        AdmissionConfig c = AdmissionConfig.fromMap(Map.of("INGOT_DRAIN_GRACE_SECONDS", "600",
                "INGOT_MAX_DECODE_LOAD", "0.5", "INGOT_CPU_CORES", "1500m", "INGOT_STREAM_CORES", "0.25",
                "INGOT_ASSUMED_VIDEO", "1920x1080@59.94"));
        assertThat(c.drainGraceSeconds()).isEqualTo(600);
        assertThat(c.maxDecodeLoad()).isEqualTo(0.5);
        assertThat(c.usableCores()).isEqualTo(1.5);
        assertThat(c.streamCores()).isEqualTo(0.25);
        assertThat(c.assumedVideo().pixelRate()).isEqualTo(1920.0 * 1080 * 59.94);
        assertThat(c.assumedVideo()).hasToString("1920x1080@59.94");
        assertThat(AdmissionConfig.fromMap(Map.of("INGOT_CPU_CORES", "4")).usableCores()).isEqualTo(4);
        assertThat(AdmissionConfig.fromMap(Map.of("INGOT_MAX_DECODE_LOAD", "0")).maxDecodeLoad()).isZero();
    }

    @Test
    void badValuesNameTheVariableAndTheAcceptedForm() {
        assertThatThrownBy(() -> AdmissionConfig.fromMap(Map.of("INGOT_DRAIN_GRACE_SECONDS", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGOT_DRAIN_GRACE_SECONDS=-1")
                .hasMessageContaining("0 to 86400");
        assertThatThrownBy(() -> AdmissionConfig.fromMap(Map.of("INGOT_MAX_DECODE_LOAD", "80%")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGOT_MAX_DECODE_LOAD=80%");
        assertThatThrownBy(() -> AdmissionConfig.fromMap(Map.of("INGOT_CPU_CORES", "2 cores")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("millicores");
        assertThatThrownBy(() -> AdmissionConfig.fromMap(Map.of("INGOT_CPU_CORES", "10m")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGOT_CPU_CORES=10m");
        assertThatThrownBy(() -> AdmissionConfig.fromMap(Map.of("INGOT_STREAM_CORES", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGOT_STREAM_CORES=0");
        assertThatThrownBy(() -> AdmissionConfig.fromMap(Map.of("INGOT_ASSUMED_VIDEO", "720p")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("WIDTHxHEIGHT@FPS");
    }
}
