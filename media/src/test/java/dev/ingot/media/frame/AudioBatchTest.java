package dev.ingot.media.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AudioBatchTest {
    @Test
    void interleavedStereoReadsBackPerChannel() {
        AudioBatch b = new AudioBatch(new double[] {0.1, -0.1, 0.2, -0.2}, 16_000, 2, 5, 2);
        assertThat(b.sample(1, 0)).isEqualTo(0.2);
        assertThat(b.sample(1, 1)).isEqualTo(-0.2);
        assertThat(b.durationNanos()).isEqualTo(125_000);
    }

    @Test
    void rejectsLayoutsTheSideChannelCannotCarry() {
        assertThatThrownBy(() -> new AudioBatch(new double[6], 48_000, 3, 0, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AudioBatch(new double[3], 48_000, 2, 0, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AudioBatch(new double[2], 0, 1, 0, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
