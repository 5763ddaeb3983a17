package dev.ingot.rtc.session;

import dev.ingot.rtc.feedback.KeyframeRequest;
import dev.ingot.rtc.feedback.KeyframeRequester;
import dev.ingot.rtc.feedback.NackGenerator;
import dev.ingot.rtc.feedback.ReceiveStatistics;
import dev.ingot.rtc.feedback.RembEstimator;
import dev.ingot.rtc.feedback.ReportBlockValues;
import dev.ingot.rtc.feedback.RttEstimator;
import dev.ingot.rtc.feedback.TransportCcBatch;
import dev.ingot.rtc.feedback.TransportCcRecorder;
import dev.ingot.rtc.rtcp.FullIntraRequest;
import dev.ingot.rtc.rtcp.GenericNack;
import dev.ingot.rtc.rtcp.PictureLossIndication;
import dev.ingot.rtc.rtcp.ReceiverEstimatedMaxBitrate;
import dev.ingot.rtc.rtcp.ReceiverReport;
import dev.ingot.rtc.rtcp.ReportBlock;
import dev.ingot.rtc.rtcp.RtcpPacket;
import dev.ingot.rtc.rtcp.SenderReport;
import dev.ingot.rtc.rtcp.SourceDescription;
import dev.ingot.rtc.rtcp.TransportCcFeedback;
import dev.ingot.rtc.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The RTCP a receiver sends, built from the {@code feedback} package's rules: receiver reports (RFC 3550 §6.4.2),
 * generic NACKs for lost video (RFC 4585 §6.2.1), keyframe requests (PLI, or FIR where only FIR was negotiated; at
 * start, on decoder errors and on loss that could not be repaired, repeated about once per round trip while the
 * picture stays broken), and congestion feedback so senders ramp up: transport-cc where negotiated, else REMB
 * where negotiated. Every track's missing packets are tracked ({@link NackGenerator}, NACKing only video with
 * NACK negotiated): packets never received in time are what {@link #lossFigures} reports as lost.
 */
public final class RtcpFeedback {
    private static final int AUDIO = MediaKind.AUDIO.ordinal();
    private static final int VIDEO = MediaKind.VIDEO.ordinal();
    /** Keyframe requests at most this often, and at least once a second while one is wanted. */
    static final long MIN_KEYFRAME_INTERVAL_NANOS = 100_000_000L;
    static final long MAX_KEYFRAME_INTERVAL_NANOS = 1_000_000_000L;
    /** What a publisher needs beyond the round trip to answer a keyframe request: about a frame and a half. */
    static final long KEYFRAME_ANSWER_NANOS = 50_000_000L;

    private final SessionParams params;
    private final ReceiveStatistics[] stats = new ReceiveStatistics[2];
    private final int[] clockRate = new int[2];
    private final RttEstimator rtt = new RttEstimator();
    /** Missing packets per track; the video one NACKs when NACK was negotiated. */
    private final NackGenerator[] missing = new NackGenerator[2];
    private final boolean videoNack;
    private final KeyframeRequester keyframes;
    private final TransportCcRecorder transportCc;
    private final RembEstimator remb;
    private long mediaSsrcForFeedback = -1;

    RtcpFeedback(SessionParams params) {
        this.params = params;
        TrackParams video = params.video();
        TrackParams audio = params.audio();
        if (audio != null) {
            clockRate[AUDIO] = audio.clockRate();
            missing[AUDIO] = new NackGenerator(NackGenerator.Config.trackOnly(), rtt, false);
        }
        videoNack = video != null && video.nack();
        if (video != null) {
            clockRate[VIDEO] = video.clockRate();
            missing[VIDEO] = new NackGenerator(videoNack ? NackGenerator.Config.defaults()
                    : NackGenerator.Config.trackOnly(), rtt, video.rtxPayloadType() >= 0);
        }
        keyframes = video != null ? new KeyframeRequester(KeyframeRequester.Method.negotiated(video.pli(), video.fir()))
                : null;
        boolean twcc = params.transportCcExtensionId() > 0
                && ((video != null && video.transportCc()) || (audio != null && audio.transportCc()));
        transportCc = twcc ? new TransportCcRecorder() : null;
        remb = !twcc && video != null && video.remb() ? new RembEstimator() : null;
    }

    /**
     * Accounts one media packet.
     *
     * @return true if it repaired a loss: an RTX packet, or a NACKed packet that came back on the media SSRC of a
     *     stream without RTX (publishers such as libdatachannel resend that way)
     */
    boolean onRtp(MediaKind kind, RtpPacket p, boolean retransmitted, long nowNanos) {
        int k = kind.ordinal();
        boolean repaired = retransmitted;
        NackGenerator m = missing[k];
        if (m != null) {
            long recoveredBefore = m.recovered();
            m.onPacket(p.sequenceNumber(), nowNanos, retransmitted);
            repaired |= m.recovered() > recoveredBefore;
        }
        if (kind == MediaKind.VIDEO && keyframes != null && !retransmitted) {
            keyframes.onVideoPacket();
        }
        if (retransmitted) {
            if (stats[k] != null) {
                stats[k].onRecovered(p.sequenceNumber());
            }
            return true;
        }
        if (stats[k] == null || stats[k].ssrc() != p.ssrc()) {
            stats[k] = new ReceiveStatistics(p.ssrc());
        }
        stats[k].onPacket(p.sequenceNumber(), p.timestamp(), nowNanos, clockRate[k]);
        if (mediaSsrcForFeedback < 0 || kind == MediaKind.VIDEO) {
            mediaSsrcForFeedback = p.ssrc();
        }
        if (remb != null) {
            remb.onPacket(p.length(), nowNanos);
        }
        return repaired;
    }

    /**
     * Every authenticated RTP packet, whatever its payload type, counts for congestion feedback: browsers probe
     * bandwidth with RTX padding-only packets, and a probe reported lost keeps their estimate at the start value.
     */
    void onTransportPacket(RtpPacket p, long nowNanos) {
        if (transportCc != null) {
            int seq = p.transportSequenceNumber(params.transportCcExtensionId());
            if (seq >= 0) {
                transportCc.onPacket(seq, nowNanos);
            }
        }
    }

    void onSenderReport(SenderReport sr, long nowNanos) {
        for (ReceiveStatistics s : stats) {
            if (s != null && s.ssrc() == sr.ssrc()) {
                s.onSenderReport(sr.ntpTimestamp(), nowNanos);
            }
        }
    }

    /** A round trip measured outside RTCP (e.g. during the DTLS handshake): a first RTT sample. */
    void onRoundTrip(long rttNanos) {
        if (rttNanos > 0) {
            rtt.onSample(rttNanos);
        }
    }

    /**
     * The playout deadline of a track: how long after a packet went missing its resend is still of use (the
     * jitter buffer's current target). Later resends are not asked for; a loss that cannot be repaired in time is
     * given up at once, and for video a keyframe requested.
     */
    public void setPlayoutDeadline(MediaKind kind, long nanos) {
        NackGenerator m = missing[kind.ordinal()];
        if (m != null && nanos > 0) {
            m.setMaxAgeNanos(nanos);
        }
    }

    /** The decoder failed or needs a fresh start: ask for a keyframe (rate-limited). */
    public void requestKeyframe(long nowNanos) {
        if (keyframes != null) {
            keyframes.onDecoderError();
        }
    }

    /** A keyframe arrived: stop repeating requests. */
    public void keyframeReceived() {
        if (keyframes != null) {
            keyframes.onKeyframeReceived();
        }
    }

    /**
     * [expected, lost] packets of a track since it started: expected as in RFC 3550 A.3; lost counts only packets
     * never received in time (reordered packets and repaired ones are not lost).
     */
    public long[] lossFigures(MediaKind kind) {
        int k = kind.ordinal();
        ReceiveStatistics s = stats[k];
        long expected = s == null || !s.isValid() ? 0 : s.expected();
        return new long[] {expected, missing[k] == null ? 0 : missing[k].givenUp()};
    }

    /** NACKs sent, packets recovered after a NACK, packets given up on, packets NACKed that were only late. */
    public long[] nackFigures() {
        NackGenerator v = missing[VIDEO];
        return v == null || !videoNack ? new long[] {0, 0, v == null ? 0 : v.givenUp(), 0}
                : new long[] {v.nacksSent(), v.recovered(), v.givenUp(), v.reorderedAfterNack()};
    }

    /** The round-trip estimate in use. */
    public long rttNanos() {
        return rtt.rttNanos();
    }

    public long keyframeRequests() {
        return keyframes == null ? 0 : keyframes.plisSent() + keyframes.firsSent();
    }

    long nextDeadlineNanos(long nowNanos) {
        long t = Long.MAX_VALUE;
        if (keyframes != null) {
            t = Math.min(t, keyframes.nextRequestAtNanos());
        }
        if (transportCc != null) {
            t = Math.min(t, transportCc.nextFeedbackAtNanos());
        }
        for (NackGenerator m : missing) {
            if (m != null) {
                t = Math.min(t, m.nextPollNanos(nowNanos));
            }
        }
        return t;
    }

    /** The receiver report (with a block per track heard since the last one) and our SDES CNAME. */
    List<RtcpPacket> reports(long nowNanos) {
        List<ReportBlock> blocks = new ArrayList<>(2);
        for (ReceiveStatistics s : stats) {
            if (s != null) {
                s.reportBlock(nowNanos).ifPresent(b -> blocks.add(toReportBlock(b)));
            }
        }
        return List.of(new ReceiverReport(params.localSsrc(), blocks),
                SourceDescription.cname(params.localSsrc(), params.cname()));
    }

    /** The empty receiver report and SDES that open a compound packet between periodic reports. */
    List<RtcpPacket> compoundHeader() {
        return List.of(new ReceiverReport(params.localSsrc(), List.of()),
                SourceDescription.cname(params.localSsrc(), params.cname()));
    }

    /** The feedback messages due now. */
    List<RtcpPacket> poll(long nowNanos, long[] primarySsrc) {
        List<RtcpPacket> out = new ArrayList<>(4);
        long local = params.localSsrc();
        long videoSsrc = primarySsrc[VIDEO];
        NackGenerator video = missing[VIDEO];
        if (video != null) {
            List<Integer> lost = video.pollNacks(nowNanos);
            if (!lost.isEmpty() && videoSsrc >= 0) {
                out.add(new GenericNack(local, videoSsrc, lost));
            }
            if (video.pollKeyframeNeeded() && keyframes != null) {
                keyframes.onUnrecoverableLoss();
            }
        }
        NackGenerator audio = missing[AUDIO];
        if (audio != null) {
            audio.pollNacks(nowNanos); // tracking only: gives up what will never come
        }
        if (keyframes != null && videoSsrc >= 0) {
            keyframes.setMinIntervalNanos(Math.clamp(rtt.rttNanos() + KEYFRAME_ANSWER_NANOS,
                    MIN_KEYFRAME_INTERVAL_NANOS, MAX_KEYFRAME_INTERVAL_NANOS));
            switch (keyframes.pollRequest(nowNanos)) {
                case KeyframeRequest.Pli p -> out.add(new PictureLossIndication(local, videoSsrc));
                case KeyframeRequest.Fir f -> out.add(new FullIntraRequest(local,
                        List.of(new FullIntraRequest.FirEntry(videoSsrc, f.sequenceNumber()))));
                case KeyframeRequest.None n -> {
                }
            }
        }
        if (transportCc != null && mediaSsrcForFeedback >= 0) {
            for (TransportCcBatch b : transportCc.pollFeedback(nowNanos)) {
                List<TransportCcFeedback.PacketStatus> statuses = new ArrayList<>(b.packetStatusCount());
                for (int i = 0; i < b.packetStatusCount(); i++) {
                    TransportCcBatch.PacketStatus s = b.packetStatuses().get(i);
                    statuses.add(s.isReceived()
                            ? TransportCcFeedback.PacketStatus.received(b.sequenceNumber(i), s.receiveDelta())
                            : TransportCcFeedback.PacketStatus.lost(b.sequenceNumber(i)));
                }
                out.add(new TransportCcFeedback(local, mediaSsrcForFeedback, b.baseSequenceNumber(), b.referenceTime(),
                        b.feedbackPacketCount(), statuses));
            }
        }
        if (remb != null && videoSsrc >= 0) {
            OptionalLong bps = remb.pollRemb(nowNanos);
            if (bps.isPresent()) {
                out.add(new ReceiverEstimatedMaxBitrate(local, bps.getAsLong(), List.of(videoSsrc)));
            }
        }
        return out;
    }

    private static ReportBlock toReportBlock(ReportBlockValues v) {
        return new ReportBlock(v.ssrc(), v.fractionLost(), v.cumulativeLost(), v.extendedHighestSequenceNumber(),
                v.interarrivalJitter(), v.lastSr(), v.delaySinceLastSr());
    }
}
