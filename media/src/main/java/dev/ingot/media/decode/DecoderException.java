package dev.ingot.media.decode;

/**
 * A decoder could not be opened, or a hardware decoder stopped working. Never thrown for bad media data: that
 * is reported as a {@link DecodeResult}.
 */
public final class DecoderException extends RuntimeException {
    public DecoderException(String message) {
        super(message);
    }

    public DecoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
