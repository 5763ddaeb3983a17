package dev.ingot.media.decode;

/** What became of one access unit or packet handed to a decoder. */
public enum DecodeResult {
    /** Accepted; zero or more frames were delivered. */
    OK,
    /**
     * Dropped because the decoder has no usable reference (start of stream, after a decoder error or after
     * {@link VideoDecoder#dropUntilKeyframe()}); the caller should ask the publisher for a keyframe (RTCP PLI).
     * Decoding resumes by itself with the next keyframe.
     */
    NEEDS_KEYFRAME,
    /** An audio packet the decoder rejected; it was skipped and the decoder carries on with the next one. */
    DROPPED
}
