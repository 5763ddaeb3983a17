package dev.ingot.rtc.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.feedback.KeyframeRequester.Method;
import org.junit.jupiter.api.Test;

class KeyframeRequesterTest {
    static final long MS = 1_000_000L;
    static final long T0 = 42_000 * MS;

    @Test
    void nothingIsRequestedBeforeMediaStarts() {
        var requester = new KeyframeRequester(Method.PLI);
        assertThat(requester.pollRequest(T0)).isEqualTo(KeyframeRequest.NONE);
        assertThat(requester.nextRequestAtNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void firstVideoPacketTriggersPliAtOnce() {
        var requester = new KeyframeRequester(Method.PLI);
        requester.onVideoPacket();
        assertThat(requester.waitingForKeyframe()).isTrue();
        assertThat(requester.pollRequest(T0)).isEqualTo(KeyframeRequest.PLI);
        assertThat(requester.plisSent()).isEqualTo(1);
    }

    @Test
    void requestRepeatsEverySecondUntilKeyframeArrives() {
        var requester = new KeyframeRequester(Method.PLI);
        requester.onVideoPacket();
        assertThat(requester.pollRequest(T0)).isEqualTo(KeyframeRequest.PLI);
        assertThat(requester.pollRequest(T0 + 500 * MS)).isEqualTo(KeyframeRequest.NONE);
        assertThat(requester.pollRequest(T0 + 999 * MS)).isEqualTo(KeyframeRequest.NONE);
        assertThat(requester.nextRequestAtNanos()).isEqualTo(T0 + 1000 * MS);
        assertThat(requester.pollRequest(T0 + 1000 * MS)).isEqualTo(KeyframeRequest.PLI);
        requester.onKeyframeReceived();
        assertThat(requester.waitingForKeyframe()).isFalse();
        assertThat(requester.pollRequest(T0 + 2000 * MS)).isEqualTo(KeyframeRequest.NONE);
        assertThat(requester.pollRequest(T0 + 5000 * MS)).isEqualTo(KeyframeRequest.NONE);
        assertThat(requester.plisSent()).isEqualTo(2);
    }

    @Test
    void laterVideoPacketsDoNotRequestAgain() {
        var requester = new KeyframeRequester(Method.PLI);
        requester.onVideoPacket();
        requester.pollRequest(T0);
        requester.onKeyframeReceived();
        requester.onVideoPacket();
        assertThat(requester.pollRequest(T0 + 3000 * MS)).isEqualTo(KeyframeRequest.NONE);
    }

    @Test
    void noStartRequestWhenKeyframeCameFirst() {
        var requester = new KeyframeRequester(Method.PLI);
        requester.onKeyframeReceived();
        requester.onVideoPacket();
        assertThat(requester.pollRequest(T0)).isEqualTo(KeyframeRequest.NONE);
    }

    @Test
    void decoderErrorAndUnrecoverableLossRequestWithinTheRateLimit() {
        var requester = new KeyframeRequester(Method.PLI);
        requester.onVideoPacket();
        requester.pollRequest(T0);
        requester.onKeyframeReceived();
        requester.onDecoderError();
        assertThat(requester.pollRequest(T0 + 300 * MS)).isEqualTo(KeyframeRequest.NONE); // 1 s not over
        assertThat(requester.pollRequest(T0 + 1000 * MS)).isEqualTo(KeyframeRequest.PLI);
        requester.onKeyframeReceived();
        requester.onUnrecoverableLoss();
        requester.onUnrecoverableLoss(); // many losses, one request
        assertThat(requester.pollRequest(T0 + 2500 * MS)).isEqualTo(KeyframeRequest.PLI);
        assertThat(requester.pollRequest(T0 + 2600 * MS)).isEqualTo(KeyframeRequest.NONE);
        assertThat(requester.plisSent()).isEqualTo(3);
    }

    @Test
    void intervalIsConfigurable() {
        var requester = new KeyframeRequester(Method.PLI, 250 * MS);
        requester.onVideoPacket();
        assertThat(requester.pollRequest(T0)).isEqualTo(KeyframeRequest.PLI);
        assertThat(requester.pollRequest(T0 + 249 * MS)).isEqualTo(KeyframeRequest.NONE);
        assertThat(requester.pollRequest(T0 + 250 * MS)).isEqualTo(KeyframeRequest.PLI);
    }

    @Test
    void firSequenceNumbersIncrementPerRequestAndWrap() {
        var requester = new KeyframeRequester(Method.FIR);
        requester.onVideoPacket();
        for (int i = 0; i < 300; i++) {
            KeyframeRequest request = requester.pollRequest(T0 + i * 1000 * MS);
            assertThat(request).isEqualTo(new KeyframeRequest.Fir(i % 256));
        }
        assertThat(requester.firsSent()).isEqualTo(300);
        assertThat(requester.plisSent()).isZero();
    }

    @Test
    void firNumbersKeepCountingAcrossKeyframes() {
        var requester = new KeyframeRequester(Method.FIR);
        requester.onVideoPacket();
        assertThat(requester.pollRequest(T0)).isEqualTo(new KeyframeRequest.Fir(0));
        requester.onKeyframeReceived();
        requester.onDecoderError();
        assertThat(requester.pollRequest(T0 + 1000 * MS)).isEqualTo(new KeyframeRequest.Fir(1));
    }

    @Test
    void methodFollowsNegotiation() {
        assertThat(Method.negotiated(true, true)).isEqualTo(Method.PLI);
        assertThat(Method.negotiated(true, false)).isEqualTo(Method.PLI);
        assertThat(Method.negotiated(false, true)).isEqualTo(Method.FIR);
        assertThat(Method.negotiated(false, false)).isEqualTo(Method.NONE);
    }

    @Test
    void withoutNegotiatedMethodNothingIsSent() {
        var requester = new KeyframeRequester(Method.NONE);
        requester.onVideoPacket();
        requester.onDecoderError();
        assertThat(requester.pollRequest(T0)).isEqualTo(KeyframeRequest.NONE);
        assertThat(requester.nextRequestAtNanos()).isEqualTo(Long.MAX_VALUE);
    }
}
