package dev.ingot.media.pipeline;

/**
 * One input's media timeline, shared by its tracks: 0 is the arrival of the first frame of any track, and each
 * track starts at its own first frame's arrival on it, so audio and video that arrive together play together.
 *
 * <p>Once both tracks have an RTCP sender report (RFC 3550 §6.4.1: the sender's NTP wall clock at an RTP time),
 * video is lined up with audio by the sender's clock instead: the capture-time difference between the two
 * tracks' first frames replaces their arrival-time difference. Audio is the reference (its PTS never move);
 * video's correction is slewed in at most 1 ms per frame, so its PTS keep rising. Reports that cannot be right
 * are ignored: an NTP time of 0 or all ones (OBS has sent 0xFFFFFFFF), and corrections over 2 s.
 */
public final class MediaTimeline {
    /** The audio track's index; video is 1. */
    public static final int AUDIO = 0;
    public static final int VIDEO = 1;
    private static final long MAX_CORRECTION_NANOS = 2_000_000_000L;

    private long originNanos = Long.MIN_VALUE;
    private final Track[] tracks = {new Track(), new Track()};

    private static final class Track {
        boolean started;
        long firstTimestamp;
        int clockRate;
        long anchorNanos;
        boolean haveReport;
        long reportNtpNanos;
        long reportRtp;
    }

    /** Where a track whose first frame arrived at {@code arrivalNanos} starts on the timeline. */
    public synchronized long anchor(long arrivalNanos) {
        if (originNanos == Long.MIN_VALUE) {
            originNanos = arrivalNanos;
        }
        return Math.max(0, arrivalNanos - originNanos);
    }

    /** Records a track's first frame: its RTP timestamp, clock rate and timeline anchor. */
    public synchronized void trackStarted(int track, long firstTimestamp, int clockRate, long anchorNanos) {
        Track t = tracks[track];
        t.started = true;
        t.firstTimestamp = firstTimestamp;
        t.clockRate = clockRate;
        t.anchorNanos = anchorNanos;
    }

    /** A sender report for a track; returns false when it was ignored as bogus. */
    public synchronized boolean senderReport(int track, long ntpTimestamp, long rtpTimestamp) {
        long seconds = ntpTimestamp >>> 32;
        if (ntpTimestamp == 0 || seconds == 0xFFFFFFFFL || (ntpTimestamp & 0xFFFFFFFFL) == 0xFFFFFFFFL && seconds == 0) {
            return false;
        }
        Track t = tracks[track];
        t.haveReport = true;
        t.reportNtpNanos = seconds * 1_000_000_000L + ((ntpTimestamp & 0xFFFFFFFFL) * 1_000_000_000L >>> 32);
        t.reportRtp = rtpTimestamp;
        return true;
    }

    /** The sender's wall clock at a track's RTP time, by its latest report (RTP differences taken mod 2^32). */
    private static long senderNanos(Track t, long rtpTimestamp) {
        long delta = (int) (rtpTimestamp - t.reportRtp);
        return t.reportNtpNanos + delta * 1_000_000_000L / t.clockRate;
    }

    /**
     * How far video's anchor should move so that both tracks follow the sender's clock; 0 until both tracks
     * have started and have a report, or when the figure is not believable.
     */
    public synchronized long videoCorrectionNanos() {
        Track a = tracks[AUDIO];
        Track v = tracks[VIDEO];
        if (!a.started || !v.started || !a.haveReport || !v.haveReport) {
            return 0;
        }
        long captureGap = senderNanos(v, v.firstTimestamp) - senderNanos(a, a.firstTimestamp);
        long wanted = a.anchorNanos + captureGap;
        long correction = wanted - v.anchorNanos;
        return Math.abs(correction) > MAX_CORRECTION_NANOS ? 0 : correction;
    }
}
