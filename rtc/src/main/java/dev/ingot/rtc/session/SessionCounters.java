package dev.ingot.rtc.session;

/**
 * Counters of one session, for stats and tests. Plain fields, written by the session's owner thread; read
 * them through {@link PublisherSession#counters()} snapshots.
 */
public final class SessionCounters {
    long stunRequests;
    long stunDropped;
    long dtlsRecords;
    long fromUnknownAddress;
    long notDemuxable;
    long srtpAuthFailures;
    long srtpReplays;
    long srtpOtherErrors;
    long rtcpPackets;
    long rtcpParseErrors;
    long rtcpSent;
    long unknownPayloadType;
    long rtxProbes;
    final long[] rtpPackets = new long[2];
    final long[] rtpBytes = new long[2];
    final long[] rtxPackets = new long[2];
    final long[] resentOnMediaSsrc = new long[2];

    /** An immutable copy. */
    public record Snapshot(long stunRequests, long stunDropped, long dtlsRecords, long fromUnknownAddress,
            long notDemuxable, long srtpAuthFailures, long srtpReplays, long srtpOtherErrors, long rtcpPackets,
            long rtcpParseErrors, long rtcpSent, long unknownPayloadType, long rtxProbes, long audioPackets,
            long audioBytes, long videoPackets, long videoBytes, long videoRtxPackets,
            long videoResentOnMediaSsrc) {
    }

    Snapshot snapshot() {
        return new Snapshot(stunRequests, stunDropped, dtlsRecords, fromUnknownAddress, notDemuxable,
                srtpAuthFailures, srtpReplays, srtpOtherErrors, rtcpPackets, rtcpParseErrors, rtcpSent,
                unknownPayloadType, rtxProbes, rtpPackets[0], rtpBytes[0], rtpPackets[1], rtpBytes[1], rtxPackets[1],
                resentOnMediaSsrc[1]);
    }
}
