package dev.ingot.microbench;

import dev.ingot.media.jitter.JitterBuffer;
import dev.ingot.media.jitter.JitterBufferStats;
import dev.ingot.media.payload.DepacketizerStats;
import dev.ingot.media.payload.EncodedFrame;
import dev.ingot.media.payload.H264Depacketizer;
import dev.ingot.media.payload.RtpMedia;
import dev.ingot.rtc.rtp.RtpPacket;
import dev.ingot.rtc.srtp.SrtpContext;
import dev.ingot.rtc.srtp.SrtpError;
import dev.ingot.rtc.srtp.SrtpMasterKey;
import dev.ingot.rtc.srtp.SrtpProfile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packets per second on one thread through the receive path of one H264 video stream, whole and stage by stage:
 * SRTP unprotect in place, {@link RtpPacket#wrap}, the payload copy into an {@link RtpMedia} (as the server's
 * input pipeline does), {@link JitterBuffer} push/pop and {@link H264Depacketizer}. One operation is one
 * packet of {@value SyntheticH264Stream#PACKET_BYTES} bytes (FU-A fragments of
 * {@value SyntheticH264Stream#FRAME_BYTES}-byte frames, see {@link SyntheticH264Stream}).
 *
 * <p>SRTP: a ring of about 4096 packets is protected up front with an outbound context; each operation copies
 * one protected packet into a work buffer ({@code System.arraycopy}, measured alone as {@link #copyPacket}, the
 * stand-in for the socket read) and unprotects it there. The ring's sequence numbers repeat, so each lap
 * starts a fresh inbound context (the old one would refuse them as replays); that costs one
 * {@link #newInboundContext} per lap of ~4000 packets, measured alone too. Downstream of SRTP the full path
 * renumbers sequence numbers and timestamps by whole laps so the jitter buffer and depacketizer see one
 * endless stream. Arrival times are synthetic (frames 33 ms apart, packets of a frame 20 µs apart) and
 * {@code pop} is asked one second later, past any playout deadline, so every packet comes out at once.
 *
 * <p>Each benchmark also counts the benchmark thread's CPU time per iteration ({@link CpuTime}), from which
 * {@link Report} gives packets per CPU-second next to JMH's wall-clock score.
 *
 * <p>Not measured: RTCP feedback bookkeeping (NACK, transport-cc, receive statistics), socket I/O, locking
 * between the network and track threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// long warmup: on a shared machine the JIT needs wall time to reach C2 and the crypto intrinsics
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"})
public class PacketPathBenchmark {
    static final long ARRIVAL_SPACING_NANOS = 20_000;
    static final long POP_AHEAD_NANOS = 1_000_000_000L;

    /**
     * The benchmark thread's CPU time over each measurement iteration and the packets it handled there (JMH aux
     * counters, not divided by time), so {@link Report} can give packets per CPU-second: on a shared machine the
     * wall-clock score also counts the time other processes had the core.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private long start;
        public long cpuNanos;
        /** Operations: packets, or contexts for {@code newInboundContext}. */
        public long ops;

        @Setup(Level.Iteration)
        public void start() {
            start = threads.getCurrentThreadCpuTime(); // JMH zeroes the public counters after this
        }

        @TearDown(Level.Iteration)
        public void stop() {
            cpuNanos = threads.getCurrentThreadCpuTime() - start;
        }
    }

    /** The protected ring for one SRTP profile, and the inbound context unprotecting it. */
    @State(Scope.Thread)
    public static class Srtp {
        @Param({"AES128_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
        public SrtpProfile profile;

        SyntheticH264Stream stream;
        SrtpMasterKey key;
        byte[][] ring;
        SrtpContext inbound;
        final byte[] work = new byte[1500];
        int next;
        long lap;
        long failures;
        int lastError;

        @Setup(Level.Trial)
        public void setUp() {
            stream = SyntheticH264Stream.shared();
            SplittableRandom random = new SplittableRandom(7);
            byte[] k = new byte[profile.masterKeyLength()];
            byte[] s = new byte[profile.masterSaltLength()];
            random.nextBytes(k);
            random.nextBytes(s);
            key = new SrtpMasterKey(k, s);
            SrtpContext outbound = SrtpContext.outbound(profile, key);
            ring = new byte[stream.size()][];
            for (int i = 0; i < ring.length; i++) {
                byte[] plain = stream.packets[i];
                byte[] buf = new byte[plain.length + profile.rtpAuthTagLength()];
                System.arraycopy(plain, 0, buf, 0, plain.length);
                int n = outbound.protectRtp(buf, 0, plain.length);
                if (n != buf.length) {
                    throw new IllegalStateException("protect failed: " + n);
                }
                ring[i] = buf;
            }
            inbound = SrtpContext.inbound(profile, key);
        }

        /** Copies the next protected packet into {@link #work}; a new lap gets a fresh inbound context. */
        int nextIntoWork() {
            int i = next;
            if (i == ring.length) {
                i = 0;
                lap++;
                inbound = SrtpContext.inbound(profile, key);
            }
            next = i + 1;
            byte[] p = ring[i];
            System.arraycopy(p, 0, work, 0, p.length);
            return p.length;
        }

        int unprotectNext() {
            int len = nextIntoWork(); // first: it may start a new lap with a new context
            int n = inbound.unprotectRtp(work, 0, len);
            if (n < 0) {
                failures++;
                lastError = n;
            }
            return n;
        }

        @TearDown(Level.Trial)
        public void check() {
            if (failures > 0) {
                throw new IllegalStateException(failures + " packets failed to unprotect, last with "
                        + SrtpError.fromCode(lastError));
            }
        }
    }

    /** A jitter buffer and depacketizer fed with the plain stream, renumbered into one endless stream. */
    @State(Scope.Thread)
    public static class Media {
        SyntheticH264Stream stream;
        final RtpPacket rtp = new RtpPacket();
        JitterBuffer jitter;
        H264Depacketizer depacketizer;
        int next;
        long lap;
        long frames;
        long frameBytes;
        final Consumer<EncodedFrame> sink = f -> {
            frames++;
            frameBytes += f.length();
        };

        @Setup(Level.Trial)
        public void setUp() {
            stream = SyntheticH264Stream.shared();
            jitter = new JitterBuffer(JitterBuffer.Config.video(OptionalDouble.empty()), 90_000);
            depacketizer = new H264Depacketizer();
        }

        /** Index into the ring of the next packet, counting laps. */
        int nextIndex() {
            int i = next;
            if (i == stream.size()) {
                i = 0;
                lap++;
            }
            next = i + 1;
            return i;
        }

        int sequenceNumber(int ringSeq) {
            return (int) ((ringSeq + lap * stream.size()) & 0xFFFF);
        }

        long timestamp(long ringTs) {
            return (ringTs + lap * stream.frames * SyntheticH264Stream.TIMESTAMP_STEP) & 0xFFFF_FFFFL;
        }

        long arrival(int i) {
            return (lap * stream.frames + stream.frameOf[i]) * SyntheticH264Stream.FRAME_INTERVAL_NANOS
                    + stream.indexInFrame[i] * ARRIVAL_SPACING_NANOS;
        }

        /** The next packet as the input pipeline hands it over, its payload already copied out. */
        RtpMedia nextMedia() {
            int i = nextIndex();
            byte[] payload = stream.payloads[i];
            return new RtpMedia(sequenceNumber(i), timestamp((long) stream.frameOf[i]
                    * SyntheticH264Stream.TIMESTAMP_STEP), stream.markers[i], SyntheticH264Stream.PAYLOAD_TYPE,
                    SyntheticH264Stream.SSRC, payload, 0, payload.length, arrival(i));
        }

        /** Pushes into the jitter buffer and depacketizes everything it releases. */
        void bufferAndDepacketize(RtpMedia m) {
            jitter.push(m);
            long now = m.arrivalNanos() + POP_AHEAD_NANOS;
            RtpMedia p;
            while ((p = jitter.pop(now)) != null) {
                depacketizer.push(p, sink);
            }
        }

        @TearDown(Level.Trial)
        public void check() {
            JitterBufferStats j = jitter.stats(0);
            DepacketizerStats d = depacketizer.stats();
            if (j.received() > 0 && (j.lost() + j.late() + j.duplicates() + j.overflowDropped() + j.timestampJumps()
                    + j.sequenceRestarts() > 0 || j.released() < j.received() - 1)) {
                throw new IllegalStateException("jitter buffer did not pass the stream through: " + j);
            }
            if (d.packets() > 0 && (d.framesEmitted() == 0 || d.framesDroppedBroken() + d.malformedPackets()
                    + d.latePackets() + d.duplicatePackets() + d.framesDroppedOversize() > 0)) {
                throw new IllegalStateException("depacketizer did not pass the stream through: " + d);
            }
        }
    }

    // ---- the stages alone ----

    /** The copy of a protected packet into the work buffer alone: subtract it from {@link #srtpUnprotect}. */
    @Benchmark
    public byte copyPacket(Srtp s, CpuTime cpu) {
        cpu.ops++;
        int n = s.nextIntoWork();
        return s.work[n - 1];
    }

    /** Copy into the work buffer, then SRTP unprotect in place. */
    @Benchmark
    public int srtpUnprotect(Srtp s, CpuTime cpu) {
        cpu.ops++;
        return s.unprotectNext();
    }

    /** A fresh inbound context (key derivation, JCE ciphers): paid once per ring lap in the SRTP benchmarks. */
    @Benchmark
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 1)
    public SrtpContext newInboundContext(Srtp s, CpuTime cpu) {
        cpu.ops++;
        return SrtpContext.inbound(s.profile, s.key);
    }

    /** {@link RtpPacket#wrap} of a plain packet and reading the fields the media path uses. */
    @Benchmark
    public long rtpWrap(Media m, CpuTime cpu) {
        cpu.ops++;
        byte[] p = m.stream.packets[m.nextIndex()];
        RtpPacket rtp = m.rtp;
        if (!rtp.wrap(p, 0, p.length)) {
            throw new IllegalStateException("not RTP");
        }
        return rtp.sequenceNumber() + rtp.timestamp() + rtp.ssrc() + rtp.payloadType() + rtp.payloadOffset()
                + rtp.payloadLength() + (rtp.marker() ? 1 : 0);
    }

    /** {@link RtpPacket#wrap}, then the payload copy and {@link RtpMedia} the input pipeline makes per packet. */
    @Benchmark
    public RtpMedia rtpToMedia(Media m, CpuTime cpu) {
        cpu.ops++;
        int i = m.nextIndex();
        byte[] p = m.stream.packets[i];
        RtpPacket rtp = m.rtp;
        if (!rtp.wrap(p, 0, p.length)) {
            throw new IllegalStateException("not RTP");
        }
        return toMedia(rtp, m, m.arrival(i));
    }

    /** {@link JitterBuffer#push} of one packet and the {@link JitterBuffer#pop} that releases it. */
    @Benchmark
    public RtpMedia jitterPushPop(Media m, CpuTime cpu) {
        cpu.ops++;
        RtpMedia packet = m.nextMedia();
        m.jitter.push(packet);
        long now = packet.arrivalNanos() + POP_AHEAD_NANOS;
        RtpMedia last = null;
        RtpMedia p;
        while ((p = m.jitter.pop(now)) != null) {
            last = p;
        }
        return last;
    }

    /** {@link H264Depacketizer#push} of one packet (a whole frame is copied out at each marker). */
    @Benchmark
    public long depacketizeH264(Media m, CpuTime cpu) {
        cpu.ops++;
        m.depacketizer.push(m.nextMedia(), m.sink);
        return m.frames;
    }

    // ---- the whole path ----

    /** Copy, unprotect, wrap, payload copy into RtpMedia, jitter push/pop, depacketize. */
    @Benchmark
    public long fullPath(Srtp s, Media m, CpuTime cpu) {
        cpu.ops++;
        int n = s.unprotectNext();
        if (n < 0) {
            return n;
        }
        RtpPacket rtp = m.rtp;
        if (!rtp.wrap(s.work, 0, n)) {
            throw new IllegalStateException("not RTP");
        }
        m.lap = s.lap; // renumber by the SRTP ring's laps
        int i = rtp.sequenceNumber();
        m.bufferAndDepacketize(toMedia(rtp, m, m.arrival(i)));
        return m.frames;
    }

    /** What InputMediaPipeline.onRtp does: copy the payload out of the datagram buffer into an RtpMedia. */
    private static RtpMedia toMedia(RtpPacket rtp, Media m, long arrivalNanos) {
        byte[] payload = new byte[rtp.payloadLength()];
        System.arraycopy(rtp.buffer(), rtp.payloadOffset(), payload, 0, payload.length);
        return new RtpMedia(m.sequenceNumber(rtp.sequenceNumber()), m.timestamp(rtp.timestamp()), rtp.marker(),
                rtp.payloadType(), rtp.ssrc(), payload, 0, payload.length, arrivalNanos);
    }
}
