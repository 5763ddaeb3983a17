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
 * The RTCP a receiver sends, built from the {@code feedback} package's rules: receiver reports once a second
 * (RFC 3550 §6.4.2), generic NACKs for lost video (RFC 4585 §6.2.1), keyframe requests (PLI, or FIR where only
 * FIR was negotiated; at start, on decoder errors and unrecoverable loss, at most one a second), and congestion
 * feedback so senders ramp up: transport-cc where negotiated, else REMB where negotiated.
 */
public final class RtcpFeedback {
    /** How often NACK lists are looked at while packets are missing. */
    private static final long NACK_TICK_NANOS = 20_000_000L;
    private static final int AUDIO = MediaKind.AUDIO.ordinal();
    private static final int VIDEO = MediaKind.VIDEO.ordinal();

    private final SessionParams params;
    private final ReceiveStatistics[] stats = new ReceiveStatistics[2];
    private final int[] clockRate = new int[2];
    private final RttEstimator rtt = new RttEstimator();
    private final NackGenerator nack;
    private final KeyframeRequester keyframes;
    private final TransportCcRecorder transportCc;
    private final RembEstimator remb;
    private long mediaSsrcForFeedback = -1;
    /** Fixed NACK poll times while packets are missing (a deadline relative to "now" would keep slipping). */
    private long nextNackPollNanos = Long.MAX_VALUE;

    RtcpFeedback(SessionParams params) {
        this.params = params;
        TrackParams video = params.video();
        if (params.audio() != null) {
            clockRate[AUDIO] = params.audio().clockRate();
        }
        if (video != null) {
            clockRate[VIDEO] = video.clockRate();
        }
        nack = video != null && video.nack() ? new NackGenerator(NackGenerator.Config.defaults(), rtt) : null;
        keyframes = video != null ? new KeyframeRequester(KeyframeRequester.Method.negotiated(video.pli(), video.fir()))
                : null;
        boolean twcc = params.transportCcExtensionId() > 0
                && ((video != null && video.transportCc()) || (params.audio() != null && params.audio().transportCc()));
        transportCc = twcc ? new TransportCcRecorder() : null;
        remb = !twcc && video != null && video.remb() ? new RembEstimator() : null;
    }

    void onRtp(MediaKind kind, RtpPacket p, boolean retransmitted, long nowNanos) {
        int k = kind.ordinal();
        if (kind == MediaKind.VIDEO) {
            if (nack != null) {
                nack.onPacket(p.sequenceNumber(), nowNanos);
            }
            if (keyframes != null && !retransmitted) {
                keyframes.onVideoPacket();
            }
        }
        if (retransmitted) {
            if (stats[k] != null) {
                stats[k].onRecovered(p.sequenceNumber());
            }
            return;
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

    /** [expected, lost] packets of a track since it started (RFC 3550 A.3), for stats. */
    public long[] lossFigures(MediaKind kind) {
        ReceiveStatistics s = stats[kind.ordinal()];
        return s == null || !s.isValid() ? new long[] {0, 0} : new long[] {s.expected(), Math.max(0, s.cumulativeLost())};
    }

    /** NACKs sent, packets recovered after a NACK, packets given up on. */
    public long[] nackFigures() {
        return nack == null ? new long[] {0, 0, 0} : new long[] {nack.nacksSent(), nack.recovered(), nack.givenUp()};
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
        if (nack != null && nack.missing() > 0) {
            if (nextNackPollNanos == Long.MAX_VALUE) {
                nextNackPollNanos = nowNanos + NACK_TICK_NANOS;
            }
            t = Math.min(t, nextNackPollNanos);
        }
        return t;
    }

    /** The RTCP to send now: when {@code periodic}, RR and SDES first (exactly two), then feedback messages. */
    List<RtcpPacket> poll(long nowNanos, boolean periodic, long[] primarySsrc) {
        List<RtcpPacket> out = new ArrayList<>(4);
        long local = params.localSsrc();
        if (periodic) {
            List<ReportBlock> blocks = new ArrayList<>(2);
            for (ReceiveStatistics s : stats) {
                if (s != null) {
                    s.reportBlock(nowNanos).ifPresent(b -> blocks.add(toReportBlock(b)));
                }
            }
            out.add(new ReceiverReport(local, blocks));
            out.add(SourceDescription.cname(local, params.cname()));
        }
        long videoSsrc = primarySsrc[VIDEO];
        if (nack != null && videoSsrc >= 0) {
            nextNackPollNanos = Long.MAX_VALUE;
            List<Integer> lost = nack.pollNacks(nowNanos, rtt.rttNanos());
            if (!lost.isEmpty()) {
                out.add(new GenericNack(local, videoSsrc, lost));
            }
            if (nack.pollKeyframeNeeded() && keyframes != null) {
                keyframes.onUnrecoverableLoss();
            }
        }
        if (keyframes != null && videoSsrc >= 0) {
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
