package dev.ingot.rtc.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.feedback.TransportCcBatch.PacketStatus;
import dev.ingot.rtc.feedback.TransportCcBatch.StatusSymbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransportCcRecorderTest {
    static final long US = 1_000L;
    static final long MS = 1_000_000L;
    /** 64 s: reference time 1000, and a whole number of 250 µs ticks (256 000). */
    static final long T0 = 64_000 * MS;

    static PacketStatus received(int delta) {
        return PacketStatus.received(delta);
    }

    static final PacketStatus LOST = PacketStatus.NOT_RECEIVED;

    /** Arrival times (in 250 µs ticks) of the received packets of a batch, by 16-bit sequence number. */
    static Map<Integer, Long> arrivals(TransportCcBatch batch) {
        Map<Integer, Long> out = new HashMap<>();
        long ticks = (long) batch.referenceTime() * 256;
        for (int i = 0; i < batch.packetStatusCount(); i++) {
            PacketStatus status = batch.packetStatuses().get(i);
            if (status.isReceived()) {
                ticks += status.receiveDelta();
                out.put(batch.sequenceNumber(i), ticks);
            }
        }
        return out;
    }

    @Test
    void reportsContiguousPacketsWithSmallAndLargeDeltas() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(100, T0);
        recorder.onPacket(101, T0 + 1 * MS);
        recorder.onPacket(102, T0 + 1250 * US);
        recorder.onPacket(103, T0 + 70 * MS);
        List<TransportCcBatch> batches = recorder.pollFeedback(T0 + 80 * MS);
        assertThat(batches).containsExactly(new TransportCcBatch(100, 1000, 0,
                List.of(received(0), received(4), received(1), received(275))));
        TransportCcBatch batch = batches.get(0);
        assertThat(batch.packetStatusCount()).isEqualTo(4);
        assertThat(batch.packetStatuses().get(3).symbol()).isEqualTo(StatusSymbol.LARGE_OR_NEGATIVE_DELTA);
        assertThat(batch.packetStatuses().get(2).symbol()).isEqualTo(StatusSymbol.SMALL_DELTA);
        assertThat(recorder.pollFeedback(T0 + 500 * MS)).isEmpty(); // nothing new
    }

    @Test
    void firstDeltaIsRelativeToReferenceTime() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(7, T0 + 10 * MS + 100 * US); // 40.4 ticks past reference 1000
        TransportCcBatch batch = recorder.pollFeedback(T0 + 20 * MS).get(0);
        assertThat(batch.referenceTime()).isEqualTo(1000);
        assertThat(batch.packetStatuses()).containsExactly(received(40));
    }

    @Test
    void deltasDoNotAccumulateRoundingError() {
        var recorder = new TransportCcRecorder();
        for (int i = 0; i < 8; i++) {
            recorder.onPacket(i, T0 + i * 100 * US); // 0.4 tick apart
        }
        TransportCcBatch batch = recorder.pollFeedback(T0 + 10 * MS).get(0);
        // floor(i * 0.4) = 0 0 0 1 1 2 2 2: deltas follow the absolute ticks, not rounded steps
        assertThat(batch.packetStatuses()).extracting(PacketStatus::receiveDelta)
                .containsExactly(0, 0, 0, 1, 0, 1, 0, 0);
    }

    @Test
    void gapsAreReportedNotReceived() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(1, T0);
        recorder.onPacket(2, T0 + MS);
        recorder.onPacket(5, T0 + 2 * MS);
        TransportCcBatch batch = recorder.pollFeedback(T0 + 10 * MS).get(0);
        assertThat(batch.baseSequenceNumber()).isEqualTo(1);
        assertThat(batch.packetStatuses()).containsExactly(received(0), received(4), LOST, LOST, received(4));
        assertThat(batch.receivedCount()).isEqualTo(3);
    }

    @Test
    void nextBatchStartsRightAfterThePreviousOneReportingInBetweenLosses() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(1, T0);
        recorder.pollFeedback(T0);
        recorder.onPacket(4, T0 + 100 * MS);
        TransportCcBatch batch = recorder.pollFeedback(T0 + 100 * MS).get(0);
        assertThat(batch.baseSequenceNumber()).isEqualTo(2);
        assertThat(batch.packetStatuses()).containsExactly(LOST, LOST, received(400 % 256 + 0));
        assertThat(batch.referenceTime()).isEqualTo(1001);
        assertThat(batch.feedbackPacketCount()).isEqualTo(1);
    }

    @Test
    void reorderingBeforeFeedbackGivesNegativeDelta() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(11, T0 + 5 * MS);
        recorder.onPacket(10, T0 + 10 * MS);
        TransportCcBatch batch = recorder.pollFeedback(T0 + 20 * MS).get(0);
        assertThat(batch.baseSequenceNumber()).isEqualTo(10);
        assertThat(batch.packetStatuses()).containsExactly(received(40), received(-20));
        assertThat(batch.packetStatuses().get(1).symbol()).isEqualTo(StatusSymbol.LARGE_OR_NEGATIVE_DELTA);
    }

    @Test
    void lateArrivalAfterFeedbackIsReportedOnceInItsOwnBatch() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(1, T0);
        recorder.onPacket(2, T0 + MS);
        recorder.onPacket(4, T0 + 2 * MS);
        assertThat(recorder.pollFeedback(T0 + 10 * MS).get(0).packetStatuses())
                .containsExactly(received(0), received(4), LOST, received(4));
        recorder.onPacket(3, T0 + 30 * MS);
        recorder.onPacket(5, T0 + 40 * MS);
        recorder.onPacket(6, T0 + 41 * MS);
        List<TransportCcBatch> batches = recorder.pollFeedback(T0 + 110 * MS);
        assertThat(batches).containsExactly(
                new TransportCcBatch(3, 1000, 1, List.of(received(120))),
                new TransportCcBatch(5, 1000, 2, List.of(received(160), received(4))));
        recorder.onPacket(3, T0 + 150 * MS); // a duplicate of the late one
        assertThat(recorder.pollFeedback(T0 + 300 * MS)).isEmpty();
        assertThat(recorder.duplicates()).isEqualTo(1);
    }

    @Test
    void lateArrivalsStopAtAlreadyReportedPackets() {
        var recorder = new TransportCcRecorder();
        for (int seq : new int[] {1, 3, 5, 7}) {
            recorder.onPacket(seq, T0 + seq * MS);
        }
        recorder.pollFeedback(T0 + 10 * MS);
        recorder.onPacket(4, T0 + 20 * MS);
        recorder.onPacket(2, T0 + 21 * MS);
        List<TransportCcBatch> batches = recorder.pollFeedback(T0 + 200 * MS);
        assertThat(batches).extracting(TransportCcBatch::baseSequenceNumber).containsExactly(2, 4);
        assertThat(batches).allSatisfy(b -> assertThat(b.packetStatuses()).hasSize(1));
    }

    @Test
    void sequenceWrapKeepsOneContinuousBatch() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(65534, T0);
        recorder.onPacket(65535, T0 + MS);
        recorder.onPacket(1, T0 + 2 * MS);
        TransportCcBatch batch = recorder.pollFeedback(T0 + 10 * MS).get(0);
        assertThat(batch.baseSequenceNumber()).isEqualTo(65534);
        assertThat(batch.packetStatuses()).containsExactly(received(0), received(4), LOST, received(4));
        assertThat(batch.sequenceNumber(3)).isEqualTo(1);
        recorder.onPacket(2, T0 + 100 * MS);
        assertThat(recorder.pollFeedback(T0 + 110 * MS).get(0).baseSequenceNumber()).isEqualTo(2);
    }

    @Test
    void feedbackIsSpacedByTheInterval() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(1, T0);
        assertThat(recorder.nextFeedbackAtNanos()).isEqualTo(Long.MIN_VALUE);
        assertThat(recorder.pollFeedback(T0)).hasSize(1);
        assertThat(recorder.nextFeedbackAtNanos()).isEqualTo(Long.MAX_VALUE);
        recorder.onPacket(2, T0 + 10 * MS);
        assertThat(recorder.nextFeedbackAtNanos()).isEqualTo(T0 + 100 * MS);
        assertThat(recorder.pollFeedback(T0 + 99 * MS)).isEmpty();
        assertThat(recorder.pollFeedback(T0 + 100 * MS)).hasSize(1);
    }

    @Test
    void feedbackPacketCountWrapsAt256() {
        var recorder = new TransportCcRecorder(new TransportCcRecorder.Config(0, 1000));
        for (int i = 0; i < 300; i++) {
            recorder.onPacket(i, T0 + i * MS);
            List<TransportCcBatch> batches = recorder.pollFeedback(T0 + i * MS);
            assertThat(batches).hasSize(1);
            assertThat(batches.get(0).feedbackPacketCount()).isEqualTo(i % 256);
        }
        assertThat(recorder.batchesSent()).isEqualTo(300);
    }

    @Test
    void referenceTimeWrapsAt24Bits() {
        var recorder = new TransportCcRecorder();
        long t = (1L << 24) * 64 * MS + 3 * 64 * MS + 10 * MS;
        recorder.onPacket(1, t);
        TransportCcBatch batch = recorder.pollFeedback(t).get(0);
        assertThat(batch.referenceTime()).isEqualTo(3);
        assertThat(batch.packetStatuses()).containsExactly(received(40));
    }

    @Test
    void negativeClockValuesUseFloor() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(1, -1); // 1 ns before zero: tick -1, reference -1 (0xFFFFFF), delta 255
        TransportCcBatch batch = recorder.pollFeedback(0).get(0);
        assertThat(batch.referenceTime()).isEqualTo(0xFFFFFF);
        assertThat(batch.packetStatuses()).containsExactly(received(255));
    }

    @Test
    void deltaTooLargeForSixteenBitsSplitsTheBatch() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(1, T0);
        recorder.onPacket(3, T0 + 9_000 * MS); // 36000 ticks later > 32767
        List<TransportCcBatch> batches = recorder.pollFeedback(T0 + 9_000 * MS);
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0).baseSequenceNumber()).isEqualTo(1);
        assertThat(batches.get(0).packetStatuses()).containsExactly(received(0));
        assertThat(batches.get(1).baseSequenceNumber()).isEqualTo(2);
        assertThat(batches.get(1).referenceTime()).isEqualTo(1000 + 9000 / 64); // 9 s = 140.625 * 64 ms
        assertThat(batches.get(1).packetStatuses()).containsExactly(LOST, received(160)); // 0.625 * 256
    }

    @Test
    void batchesAreSplitToFitTheByteBudget() {
        // 64 bytes: 20 header, 3 padding, 41 for chunks (2 bytes per 7 statuses) and 1-byte deltas: 31 packets
        var recorder = new TransportCcRecorder(new TransportCcRecorder.Config(100 * MS, 64));
        for (int i = 0; i < 100; i++) {
            recorder.onPacket(i, T0 + i * MS);
        }
        List<TransportCcBatch> batches = recorder.pollFeedback(T0 + 100 * MS);
        assertThat(batches).extracting(TransportCcBatch::packetStatusCount).containsExactly(31, 31, 31, 7);
        assertThat(batches).extracting(TransportCcBatch::baseSequenceNumber).containsExactly(0, 31, 62, 93);
        assertThat(batches).extracting(TransportCcBatch::feedbackPacketCount).containsExactly(0, 1, 2, 3);
        for (TransportCcBatch batch : batches) {
            int chunks = (batch.packetStatusCount() + 6) / 7 * 2;
            assertThat(20 + chunks + batch.packetStatusCount()).isLessThanOrEqualTo(64 - 3);
        }
    }

    @Test
    void veryLongLossRunBeforeFirstReceivedPacketIsTrimmedToFit() {
        var recorder = new TransportCcRecorder(new TransportCcRecorder.Config(0, 64));
        recorder.onPacket(0, T0);
        recorder.pollFeedback(T0);
        recorder.onPacket(1000, T0 + MS); // 999 lost would need ~286 bytes of chunks
        List<TransportCcBatch> batches = recorder.pollFeedback(T0 + MS);
        assertThat(batches).hasSize(1);
        TransportCcBatch batch = batches.get(0);
        assertThat(batch.sequenceNumber(batch.packetStatusCount() - 1)).isEqualTo(1000);
        assertThat(batch.receivedCount()).isEqualTo(1);
        int chunks = (batch.packetStatusCount() + 6) / 7 * 2;
        assertThat(20 + chunks + 1).isLessThanOrEqualTo(61);
    }

    @Test
    void memoryIsBoundedByTheWindow() {
        var recorder = new TransportCcRecorder();
        recorder.onPacket(0, T0);
        recorder.onPacket(5000, T0 + MS); // jump beyond the window: packet 0 is dropped unreported
        assertThat(recorder.droppedUnreported()).isEqualTo(1);
        recorder.onPacket(100, T0 + 2 * MS); // 4900 behind: outside the window
        assertThat(recorder.tooOld()).isEqualTo(1);
        List<TransportCcBatch> batches = recorder.pollFeedback(T0 + 2 * MS);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).receivedCount()).isEqualTo(1);
        assertThat(batches.get(0).sequenceNumber(batches.get(0).packetStatusCount() - 1)).isEqualTo(5000);
        assertThat(batches.get(0).packetStatusCount()).isLessThanOrEqualTo(TransportCcRecorder.WINDOW);
    }

    @Test
    void everyReceivedPacketIsReportedExactlyOnceWithItsArrivalTime() {
        Random random = new Random(7);
        var recorder = new TransportCcRecorder(new TransportCcRecorder.Config(50 * MS, 300));
        Map<Integer, Long> expected = new HashMap<>(); // 16-bit seq -> arrival ticks (one wrap-free pass)
        Map<Integer, Long> reported = new HashMap<>();
        List<Integer> reportedLostThenReceived = new ArrayList<>();
        Map<Integer, Boolean> everLost = new HashMap<>();
        long t = T0;
        int base = 60_000; // crosses the wrap at 65535
        List<Integer> delayed = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int seq = (base + i) & 0xFFFF;
            t += random.nextInt(2_000) * US;
            if (random.nextInt(100) < 3) {
                continue; // lost for good
            }
            if (random.nextInt(100) < 5) {
                delayed.add(seq); // arrives a bit later, out of order
            } else {
                recorder.onPacket(seq, t);
                expected.put(seq, Math.floorDiv(t, 250 * US));
            }
            if (!delayed.isEmpty() && random.nextInt(10) == 0) {
                int late = delayed.remove(0);
                recorder.onPacket(late, t);
                expected.put(late, Math.floorDiv(t, 250 * US));
            }
            if (random.nextInt(20) == 0 && expected.containsKey(seq)) {
                recorder.onPacket(seq, t + MS); // duplicate
            }
            for (TransportCcBatch batch : recorder.pollFeedback(t)) {
                assertThat(batch.packetStatuses().get(batch.packetStatusCount() - 1).isReceived()).isTrue();
                for (int k = 0; k < batch.packetStatusCount(); k++) {
                    if (!batch.packetStatuses().get(k).isReceived()) {
                        everLost.put(batch.sequenceNumber(k), true);
                    }
                }
                for (var e : arrivals(batch).entrySet()) {
                    assertThat(reported.put(e.getKey(), e.getValue())).as("seq %d reported twice", e.getKey()).isNull();
                    if (everLost.containsKey(e.getKey())) {
                        reportedLostThenReceived.add(e.getKey());
                    }
                }
            }
        }
        for (int late : delayed) {
            t += MS;
            recorder.onPacket(late, t);
            expected.put(late, Math.floorDiv(t, 250 * US));
        }
        for (TransportCcBatch batch : recorder.pollFeedback(t + 1000 * MS)) {
            for (var e : arrivals(batch).entrySet()) {
                assertThat(reported.put(e.getKey(), e.getValue())).isNull();
            }
        }
        assertThat(reported).isEqualTo(expected);
        assertThat(reportedLostThenReceived).isNotEmpty(); // late packets did occur after their range was reported
        assertThat(recorder.droppedUnreported()).isZero();
    }
}
