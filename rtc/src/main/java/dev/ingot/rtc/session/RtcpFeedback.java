package dev.ingot.rtc.session;

import dev.ingot.rtc.rtcp.FullIntraRequest;
import dev.ingot.rtc.rtcp.NtpTime;
import dev.ingot.rtc.rtcp.PictureLossIndication;
import dev.ingot.rtc.rtcp.ReceiverReport;
import dev.ingot.rtc.rtcp.ReportBlock;
import dev.ingot.rtc.rtcp.RtcpPacket;
import dev.ingot.rtc.rtcp.SenderReport;
import dev.ingot.rtc.rtcp.SourceDescription;
import dev.ingot.rtc.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * The RTCP a receiver sends: receiver reports (RFC 3550 §6.4.2) once a second, and keyframe requests
 * (PLI, RFC 4585 §6.3.1, or FIR, RFC 5104 §4.3.1, where only FIR was negotiated), at most one a second.
 */
public final class RtcpFeedback {
    private static final long KEYFRAME_REQUEST_INTERVAL_NANOS = 1_000_000_000L;
    private final SessionParams params;
    private final TrackStatistics[] tracks = new TrackStatistics[2];
    private boolean keyframeWanted;
    private long lastKeyframeRequestNanos = Long.MIN_VALUE / 2;
    private int firSequence;
    private long keyframeRequests;

    RtcpFeedback(SessionParams params) {
        this.params = params;
        if (params.audio() != null) {
            tracks[MediaKind.AUDIO.ordinal()] = new TrackStatistics(params.audio().clockRate());
        }
        if (params.video() != null) {
            tracks[MediaKind.VIDEO.ordinal()] = new TrackStatistics(params.video().clockRate());
        }
    }

    void onRtp(MediaKind kind, RtpPacket p, boolean retransmitted, long nowNanos) {
        TrackStatistics t = tracks[kind.ordinal()];
        if (t != null && !retransmitted) {
            t.onPacket(p.ssrc(), p.sequenceNumber(), p.timestamp(), nowNanos);
        }
    }

    void onSenderReport(SenderReport sr, long nowNanos) {
        for (TrackStatistics t : tracks) {
            if (t != null && t.ssrc == sr.ssrc()) {
                t.lastSrMiddle = new NtpTime(sr.ntpTimestamp()).middle32();
                t.lastSrArrivalNanos = nowNanos;
            }
        }
    }

    /** Asks for a keyframe at the next opportunity (rate-limited to one a second). */
    public void requestKeyframe(long nowNanos) {
        keyframeWanted = true;
    }

    public long keyframeRequests() {
        return keyframeRequests;
    }

    /** Loss counted from sequence numbers, for stats: [expected, lost] of a track. */
    public long[] lossFigures(MediaKind kind) {
        TrackStatistics t = tracks[kind.ordinal()];
        return t == null || !t.started ? new long[] {0, 0} : new long[] {t.expected(), Math.max(0, t.expected() - t.received)};
    }

    long nextDeadlineNanos() {
        return keyframeWanted ? lastKeyframeRequestNanos + KEYFRAME_REQUEST_INTERVAL_NANOS : Long.MAX_VALUE;
    }

    List<RtcpPacket> poll(long nowNanos, boolean periodic, long[] primarySsrc) {
        List<RtcpPacket> out = new ArrayList<>(3);
        if (periodic) {
            List<ReportBlock> blocks = new ArrayList<>(2);
            for (TrackStatistics t : tracks) {
                if (t != null && t.started) {
                    blocks.add(t.reportBlock(nowNanos));
                }
            }
            out.add(new ReceiverReport(params.localSsrc(), blocks));
            out.add(SourceDescription.cname(params.localSsrc(), params.cname()));
        }
        TrackParams video = params.video();
        long videoSsrc = primarySsrc[MediaKind.VIDEO.ordinal()];
        if (keyframeWanted && video != null && videoSsrc >= 0
                && nowNanos - lastKeyframeRequestNanos >= KEYFRAME_REQUEST_INTERVAL_NANOS) {
            if (video.pli() || !video.fir()) {
                out.add(new PictureLossIndication(params.localSsrc(), videoSsrc));
            } else {
                out.add(new FullIntraRequest(params.localSsrc(),
                        List.of(new FullIntraRequest.FirEntry(videoSsrc, firSequence++ & 0xff))));
            }
            keyframeWanted = false;
            lastKeyframeRequestNanos = nowNanos;
            keyframeRequests++;
        }
        return out;
    }

    /** RFC 3550 Appendix A.1/A.3/A.8 receive statistics of one source. */
    private static final class TrackStatistics {
        final int clockRate;
        long ssrc = -1;
        boolean started;
        int baseSeq;
        int maxSeq;
        long cycles;
        long received;
        long expectedPrior;
        long receivedPrior;
        double jitter;
        long lastTransit;
        boolean haveTransit;
        long lastSrMiddle;
        long lastSrArrivalNanos = -1;

        TrackStatistics(int clockRate) {
            this.clockRate = clockRate;
        }

        void onPacket(long packetSsrc, int seq, long timestamp, long nowNanos) {
            if (!started || packetSsrc != ssrc) {
                ssrc = packetSsrc;
                started = true;
                baseSeq = seq;
                maxSeq = seq;
                cycles = 0;
                received = 0;
                expectedPrior = 0;
                receivedPrior = 0;
                haveTransit = false;
            }
            int delta = (seq - maxSeq) & 0xffff;
            if (delta > 0 && delta < 0x8000) {
                if (seq < maxSeq) {
                    cycles += 0x10000;
                }
                maxSeq = seq;
            }
            received++;
            long arrival = Math.floorDiv(nowNanos * clockRate, 1_000_000_000L);
            long transit = arrival - timestamp;
            if (haveTransit) {
                long d = Math.abs(transit - lastTransit);
                jitter += (d - jitter) / 16.0;
            }
            lastTransit = transit;
            haveTransit = true;
        }

        long extendedMax() {
            return cycles + maxSeq;
        }

        long expected() {
            return extendedMax() - baseSeq + 1;
        }

        ReportBlock reportBlock(long nowNanos) {
            long expected = expected();
            long lost = expected - received;
            long expectedInterval = expected - expectedPrior;
            long receivedInterval = received - receivedPrior;
            expectedPrior = expected;
            receivedPrior = received;
            long lostInterval = expectedInterval - receivedInterval;
            int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
            long dlsr = lastSrArrivalNanos < 0 ? 0 : NtpTime.durationToShortFormat(nowNanos - lastSrArrivalNanos);
            return new ReportBlock(ssrc, Math.min(fraction, 255), ReportBlock.clampCumulativeLost(lost),
                    extendedMax() & 0xffffffffL, (long) jitter & 0xffffffffL, lastSrArrivalNanos < 0 ? 0 : lastSrMiddle,
                    dlsr);
        }
    }
}
