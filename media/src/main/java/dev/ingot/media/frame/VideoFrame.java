package dev.ingot.media.frame;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGBA;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/**
 * One decoded picture, kept in the form the decoder produced (YUV 4:2:0 planar for the software decoders, NV12
 * from Vulkan Video) and converted to RGBA at most once, on the first {@link #rgba()} call, the result being
 * shared by every consumer.
 *
 * <p><b>Representation.</b> A frame is a reference-counted wrapper around FFmpeg's own reference-counted
 * {@code AVFrame}: decoding hands over the decoder's buffer (from FFmpeg's buffer pool) without copying the
 * planes, which at 720p would be 1.4 MB of memcpy per frame, about a third of the cost of decoding it. FFmpeg
 * never writes to a buffer while a reference to it is alive, and its buffer references are thread-safe, so a
 * frame may be passed to other threads (the input buffer, the side channel) and outlive its decoder.
 *
 * <p><b>Ownership.</b> Whoever receives a frame owns one reference and must call {@link #release()} (or
 * {@link #close()}) when done; a consumer that hands the frame to a second owner calls {@link #retain()} first.
 * The planes and the RGBA buffer go back to their pools when the last reference is released. A frame that is
 * forgotten is freed when the garbage collector finds it unreachable (a {@link Cleaner}), so a missed release
 * never crashes or leaks for good, but it is a bug all the same: the Java heap barely moves while native
 * pictures pile up (42 MB/s for one 720p30 stream) until the next collection. {@link #livePictures()} shows
 * it. Using a frame after its last release throws {@link IllegalStateException}.
 */
public final class VideoFrame implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong LIVE_PICTURES = new AtomicLong();

    private final int width;
    private final int height;
    private final long ptsNanos;
    private final int pixelFormat;
    private final NativePicture picture; // null for frames built from RGBA
    private final Cleaner.Cleanable cleanable;
    private final RgbaConverter converter;
    private ByteBuffer rgba;
    private final boolean rgbaFromConverter;
    private int references = 1;

    private VideoFrame(int width, int height, long ptsNanos, int pixelFormat, NativePicture picture,
            RgbaConverter converter, ByteBuffer rgba) {
        this.width = width;
        this.height = height;
        this.ptsNanos = ptsNanos;
        this.pixelFormat = pixelFormat;
        this.picture = picture;
        this.converter = converter;
        this.rgba = rgba;
        this.rgbaFromConverter = rgba == null;
        this.cleanable = picture == null ? null : CLEANER.register(this, picture);
        if (picture != null) {
            LIVE_PICTURES.incrementAndGet();
        }
    }

    /**
     * How many decoded pictures are alive in this process (wrapped and not yet freed): for leak checks and
     * statistics. A number that keeps growing means some consumer does not release its frames.
     */
    public static long livePictures() {
        return LIVE_PICTURES.get();
    }

    /**
     * Wraps a decoded picture, taking over the caller's reference to {@code decoded}: the AVFrame object itself
     * (allocated with {@code av_frame_alloc}) now belongs to the returned frame, which frees it with
     * {@code av_frame_free} on the last release. For decoders; {@code decoded} must be a software format.
     */
    public static VideoFrame adopt(AVFrame decoded, long ptsNanos, RgbaConverter converter) {
        Objects.requireNonNull(converter, "converter");
        if (decoded == null || decoded.isNull()) {
            throw new IllegalArgumentException("no frame");
        }
        return new VideoFrame(decoded.width(), decoded.height(), ptsNanos, decoded.format(),
                new NativePicture(decoded), converter, null);
    }

    /**
     * A frame that already is RGBA (e.g. a generated placeholder); {@code rgba} holds {@code width * height * 4}
     * bytes from its position and is not copied, so the caller must not change it afterwards.
     */
    public static VideoFrame ofRgba(int width, int height, long ptsNanos, ByteBuffer rgba) {
        checkSize(width, height);
        if (rgba.remaining() < width * height * 4) {
            throw new IllegalArgumentException("need " + width * height * 4 + " RGBA bytes, got " + rgba.remaining());
        }
        ByteBuffer view = rgba.slice().limit(width * height * 4).slice();
        return new VideoFrame(width, height, ptsNanos, AV_PIX_FMT_RGBA, null, null, view);
    }

    /**
     * A YUV 4:2:0 (I420, limited range, BT.601) frame copied from three tightly packed planes: {@code y} holds
     * {@code width * height} bytes, {@code u} and {@code v} each {@code ceil(width/2) * ceil(height/2)}.
     */
    public static VideoFrame copyOfI420(int width, int height, long ptsNanos, byte[] y, byte[] u, byte[] v,
            RgbaConverter converter) {
        checkSize(width, height);
        int cw = (width + 1) / 2;
        int ch = (height + 1) / 2;
        if (y.length < width * height || u.length < cw * ch || v.length < cw * ch) {
            throw new IllegalArgumentException("planes too small for " + width + "x" + height);
        }
        AVFrame f = avutil.av_frame_alloc();
        if (f == null || f.isNull()) {
            throw new OutOfMemoryError("av_frame_alloc");
        }
        f.format(AV_PIX_FMT_YUV420P).width(width).height(height);
        if (avutil.av_frame_get_buffer(f, 0) < 0) {
            avutil.av_frame_free(f);
            throw new OutOfMemoryError("av_frame_get_buffer " + width + "x" + height);
        }
        copyPlane(f, 0, y, width, height);
        copyPlane(f, 1, u, cw, ch);
        copyPlane(f, 2, v, cw, ch);
        return adopt(f, ptsNanos, converter);
    }

    private static void copyPlane(AVFrame f, int plane, byte[] src, int rowBytes, int rows) {
        BytePointer p = f.data(plane);
        int stride = f.linesize(plane);
        for (int r = 0; r < rows; r++) {
            p.position((long) r * stride).put(src, r * rowBytes, rowBytes);
        }
    }

    private static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0 || (long) width * height > 16384L * 16384L) {
            throw new IllegalArgumentException("bad size " + width + "x" + height);
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Presentation time in nanoseconds, as given to the decoder with the access unit. */
    public long ptsNanos() {
        return ptsNanos;
    }

    /** FFmpeg's name of the pixel format the picture is held in, e.g. {@code yuv420p}, {@code nv12}, {@code rgba}. */
    public String pixelFormat() {
        BytePointer name = avutil.av_get_pix_fmt_name(pixelFormat);
        return name == null || name.isNull() ? "unknown(" + pixelFormat + ")" : name.getString();
    }

    /** Adds a reference for a further owner; returns this frame. */
    public synchronized VideoFrame retain() {
        checkAlive();
        references++;
        return this;
    }

    /** Drops one reference; the last one frees the picture and returns the RGBA buffer to its pool. */
    public void release() {
        ByteBuffer toRecycle = null;
        synchronized (this) {
            checkAlive();
            if (--references > 0) {
                return;
            }
            if (cleanable != null) {
                cleanable.clean();
            }
            if (rgbaFromConverter && rgba != null) {
                toRecycle = rgba;
            }
            rgba = null;
        }
        if (toRecycle != null) {
            converter.recycle(toRecycle);
        }
    }

    /** Same as {@link #release()}, for try-with-resources. */
    @Override
    public void close() {
        release();
    }

    /** Whether {@link #rgba()} has already been computed (it is computed at most once per frame). */
    public synchronized boolean hasRgba() {
        return rgba != null;
    }

    /**
     * The picture as tightly packed RGBA ({@code width * height * 4} bytes, row stride {@code width * 4}), in a
     * read-only direct buffer positioned at 0. Converted on the first call only; later calls, from any thread,
     * share that result. Valid while the caller holds a reference to this frame.
     */
    public synchronized ByteBuffer rgba() {
        checkAlive();
        if (rgba == null) {
            try {
                rgba = converter.convert(picture.frame);
            } finally {
                Reference.reachabilityFence(this); // the Cleaner must not free the picture mid-conversion
            }
        }
        return rgba.asReadOnlyBuffer().clear();
    }

    /** A copy of {@link #rgba()} in a new array (tests, thumbnails). */
    public byte[] rgbaArray() {
        ByteBuffer b = rgba();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /**
     * Copies plane {@code plane} of the decoded picture (0 = Y; for I420 1 = U, 2 = V; for NV12 1 = interleaved
     * UV), {@code rowBytes} bytes of each of {@code rows} rows, tightly packed into {@code dst}.
     */
    public synchronized void copyPlane(int plane, int rowBytes, int rows, byte[] dst) {
        checkAlive();
        if (picture == null) {
            throw new IllegalStateException("an RGBA frame has no YUV planes");
        }
        AVFrame f = picture.frame;
        if (plane < 0 || plane >= 4 || f.data(plane) == null || f.data(plane).isNull()) {
            throw new IllegalArgumentException("no plane " + plane + " in " + pixelFormat());
        }
        int stride = f.linesize(plane);
        int planeRows = height;
        if (plane == 1 || plane == 2) {
            AVPixFmtDescriptor desc = avutil.av_pix_fmt_desc_get(pixelFormat);
            planeRows = desc == null || desc.isNull() ? height : -((-height) >> desc.log2_chroma_h());
        }
        if (rowBytes < 0 || rows < 0 || rows > planeRows || rowBytes > stride || (long) rowBytes * rows > dst.length) {
            throw new IllegalArgumentException("bad plane copy " + rowBytes + "x" + rows);
        }
        try {
            BytePointer p = new BytePointer(f.data(plane));
            for (int r = 0; r < rows; r++) {
                p.position((long) r * stride).get(dst, r * rowBytes, rowBytes);
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private void checkAlive() {
        if (references <= 0) {
            throw new IllegalStateException("video frame used after its last release");
        }
    }

    @Override
    public String toString() {
        return "VideoFrame[" + width + "x" + height + " " + pixelFormat() + " pts=" + ptsNanos + "ns]";
    }

    /** The native part, freed exactly once: by the last release, or by the Cleaner if the frame was forgotten. */
    private static final class NativePicture implements Runnable {
        final AVFrame frame;

        NativePicture(AVFrame frame) {
            this.frame = frame;
        }

        @Override
        public void run() {
            avutil.av_frame_free(frame);
            LIVE_PICTURES.decrementAndGet();
        }
    }
}
