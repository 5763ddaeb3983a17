package dev.ingot.media.frame;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT2020_CL;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT2020_NCL;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_FCC;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_SMPTE240M;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGBA;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts decoded YUV pictures to tightly packed RGBA (stride {@code width * 4}) with swscale, keeping one
 * cached {@code SwsContext} (rebuilt only when size, pixel format, colour matrix or range change) and a small
 * pool of RGBA buffers.
 *
 * <p>One converter serves the frames of one decoder. Conversions may be asked for from any thread (the side
 * channel's, the queue's); they are serialised by this object's lock, which in practice is uncontended because
 * one input's frames are converted one after another. Closing frees the native context; a frame that is still
 * alive afterwards converts with a one-shot context, so closing never invalidates a frame.
 */
public final class RgbaConverter implements AutoCloseable {
    private static final int POOL_LIMIT = 4;
    private static final int ALIGN = 64;

    private SwsContext sws;
    private int lastWidth = -1;
    private int lastHeight = -1;
    private int lastFormat = -1;
    private int lastMatrix = -1;
    private int lastFullRange = -1;
    private final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
    private final IntPointer dstStride = new IntPointer(4);
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
    private int poolBytes;
    private volatile boolean closed;
    private long conversions;

    /**
     * Converts {@code src} (any pixel format swscale reads, at its own width and height) to a fresh or pooled
     * direct buffer holding {@code width * height * 4} bytes of RGBA, position 0, limit at the end.
     */
    public ByteBuffer convert(AVFrame src) {
        int width = src.width();
        int height = src.height();
        ByteBuffer out = take(width * height * 4);
        synchronized (this) {
            conversions++;
            if (closed) {
                convertOneShot(src, out);
            } else {
                sws = prepare(sws, src, true);
                scale(sws, src, out);
            }
        }
        return out;
    }

    /** Gives a buffer from {@link #convert} back for reuse; the caller must not touch it afterwards. */
    public void recycle(ByteBuffer buffer) {
        synchronized (pool) {
            if (!closed && buffer.capacity() == poolBytes && pool.size() < POOL_LIMIT) {
                pool.push(buffer);
            }
        }
    }

    /** How many conversions this converter has done (a frame converts at most once). */
    public synchronized long conversions() {
        return conversions;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (sws != null) {
            swscale.sws_freeContext(sws);
            sws = null;
        }
        dstData.close();
        dstStride.close();
        synchronized (pool) {
            pool.clear();
        }
    }

    private ByteBuffer take(int bytes) {
        synchronized (pool) {
            if (bytes != poolBytes) {
                pool.clear();
                poolBytes = bytes;
            }
            ByteBuffer b = pool.poll();
            if (b != null) {
                return b.clear();
            }
        }
        // Aligned start for swscale's SIMD stores, and slack after the last row in case they run past it.
        int padded = (bytes + ALIGN - 1) / ALIGN * ALIGN + 2 * ALIGN;
        return ByteBuffer.allocateDirect(padded + ALIGN).alignedSlice(ALIGN).limit(bytes).slice();
    }

    private void convertOneShot(AVFrame src, ByteBuffer out) {
        SwsContext oneShot = null;
        try (PointerPointer<BytePointer> data = new PointerPointer<>(4); IntPointer stride = new IntPointer(4)) {
            oneShot = prepare(null, src, false);
            scale(oneShot, src, out, data, stride);
        } finally {
            if (oneShot != null) {
                swscale.sws_freeContext(oneShot);
            }
        }
    }

    private SwsContext prepare(SwsContext current, AVFrame src, boolean cache) {
        int format = src.format();
        boolean fullRange = src.color_range() == AVCOL_RANGE_JPEG;
        // The deprecated "J" formats mean "full range"; name the range explicitly instead (no swscale warning).
        int plain = switch (format) {
            case AV_PIX_FMT_YUVJ420P -> AV_PIX_FMT_YUV420P;
            case AV_PIX_FMT_YUVJ422P -> AV_PIX_FMT_YUV422P;
            case AV_PIX_FMT_YUVJ444P -> AV_PIX_FMT_YUV444P;
            default -> format;
        };
        if (plain != format) {
            fullRange = true;
        }
        int matrix = swsMatrix(src.colorspace());
        int range = fullRange ? 1 : 0;
        boolean sameGeometry = cache && current != null && src.width() == lastWidth && src.height() == lastHeight
                && plain == lastFormat;
        SwsContext ctx = current;
        if (!sameGeometry) {
            ctx = swscale.sws_getCachedContext(current, src.width(), src.height(), plain,
                    src.width(), src.height(), AV_PIX_FMT_RGBA, swscale.SWS_BILINEAR, null, null, (DoublePointer) null);
            if (ctx == null || ctx.isNull()) {
                throw new IllegalStateException("swscale cannot convert " + src.width() + "x" + src.height()
                        + " pixel format " + format + " to RGBA");
            }
        }
        if (!sameGeometry || matrix != lastMatrix || range != lastFullRange) {
            IntPointer coefficients = swscale.sws_getCoefficients(matrix);
            // Ignored result: swscale refuses colour details for formats where they mean nothing (e.g. RGB input).
            swscale.sws_setColorspaceDetails(ctx, coefficients, range, coefficients, 1, 0, 1 << 16, 1 << 16);
        }
        if (cache) {
            lastWidth = src.width();
            lastHeight = src.height();
            lastFormat = plain;
            lastMatrix = matrix;
            lastFullRange = range;
        }
        return ctx;
    }

    private void scale(SwsContext ctx, AVFrame src, ByteBuffer out) {
        scale(ctx, src, out, dstData, dstStride);
    }

    private static void scale(SwsContext ctx, AVFrame src, ByteBuffer out, PointerPointer<BytePointer> data,
            IntPointer stride) {
        data.put(0, new BytePointer(out));
        stride.put(0, src.width() * 4);
        int rows = swscale.sws_scale(ctx, src.data(), src.linesize(), 0, src.height(), data, stride);
        if (rows != src.height()) {
            throw new IllegalStateException("swscale converted " + rows + " of " + src.height() + " rows");
        }
    }

    /** Maps FFmpeg's AVColorSpace to swscale's coefficient table; unspecified means BT.601, as swscale assumes. */
    static int swsMatrix(int avColorSpace) {
        return switch (avColorSpace) {
            case AVCOL_SPC_BT709 -> swscale.SWS_CS_ITU709;
            case AVCOL_SPC_FCC -> swscale.SWS_CS_FCC;
            case AVCOL_SPC_SMPTE240M -> swscale.SWS_CS_SMPTE240M;
            case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL -> swscale.SWS_CS_BT2020;
            default -> swscale.SWS_CS_ITU601;
        };
    }
}
