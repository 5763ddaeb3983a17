package dev.ingot.rtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 3711 §3.3.2 replay list as a sliding bit window. */
class ReplayWindowTest {

    @Test
    void everythingIsFreshBeforeTheFirstPacket() {
        ReplayWindow w = new ReplayWindow(128);
        assertThat(w.highest()).isEqualTo(-1);
        assertThat(w.isFresh(0)).isTrue();
        assertThat(w.isFresh(1L << 47)).isTrue();
    }

    @Test
    void seenIndexIsNoLongerFresh() {
        ReplayWindow w = new ReplayWindow(128);
        w.markSeen(1000);
        assertThat(w.isFresh(1000)).isFalse();
        assertThat(w.isFresh(1001)).isTrue();
        assertThat(w.isFresh(999)).isTrue();
    }

    @Test
    void olderIndexInsideTheWindowIsAcceptedOnce() {
        ReplayWindow w = new ReplayWindow(128);
        for (long i = 100; i <= 300; i++) {
            if (i != 250) {
                w.markSeen(i);
            }
        }
        assertThat(w.isFresh(250)).isTrue();
        w.markSeen(250);
        assertThat(w.isFresh(250)).isFalse();
        assertThat(w.highest()).isEqualTo(300);
    }

    @Test
    void indexAsOldAsTheWindowIsRejected() {
        ReplayWindow w = new ReplayWindow(128);
        w.markSeen(1000);
        assertThat(w.isFresh(1000 - 127)).isTrue();
        assertThat(w.isFresh(1000 - 128)).isFalse();
    }

    @Test
    void advancingClearsTheSlotsOfSkippedIndices() {
        ReplayWindow w = new ReplayWindow(64);
        for (long i = 0; i < 64; i++) {
            w.markSeen(i);
        }
        w.markSeen(100); // skips 64..99, whose slots held 0..35
        for (long i = 64; i < 100; i++) {
            assertThat(w.isFresh(i)).as("index %d", i).isTrue();
        }
        for (long i = 37; i < 64; i++) {
            assertThat(w.isFresh(i)).as("index %d", i).isFalse();
        }
        assertThat(w.isFresh(36)).isFalse(); // too old now
    }

    @Test
    void aJumpFartherThanTheWindowForgetsEverything() {
        ReplayWindow w = new ReplayWindow(64);
        w.markSeen(10);
        w.markSeen(10 + 64 + 64);
        assertThat(w.isFresh(10 + 64 + 1)).isTrue();
        assertThat(w.isFresh(10 + 128)).isFalse();
    }

    @Test
    void sizeMustBeAPowerOfTwoOfAtLeast64() {
        assertThatThrownBy(() -> new ReplayWindow(100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplayWindow(32)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ReplayWindow(1024).size()).isEqualTo(1024);
    }
}
