package dev.ingot.media.decode;

/** A video codec Ingot can receive and decode. */
public enum VideoCodecKind {
    H264, VP8, VP9, H265, AV1
}
