package dev.ingot.media.decode;

import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg error codes as text, and the two codes the send/receive loop must tell apart. */
final class FfmpegError {
    /** {@code AVERROR(EAGAIN)} on Linux. */
    static final int EAGAIN = -11;
    static final int EOF = avutil.AVERROR_EOF;

    private FfmpegError() {
    }

    static String describe(int code) {
        byte[] buf = new byte[128];
        if (avutil.av_strerror(code, buf, buf.length) < 0) {
            return "error " + code;
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8) + " (" + code + ")";
    }
}
