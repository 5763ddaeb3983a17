package dev.ingot.server.api;

/** Smelter's error codes, as its HTTP API sends them. */
public final class ErrorCodes {
    public static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";
    public static final String INPUT_STREAM_ALREADY_REGISTERED = "INPUT_STREAM_ALREADY_REGISTERED";
    public static final String INPUT_STREAM_NOT_FOUND = "INPUT_STREAM_NOT_FOUND";
    public static final String INPUT_STREAM_INPUT_ERROR = "INPUT_STREAM_INPUT_ERROR";
    public static final String INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR";
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";

    private ErrorCodes() {
    }
}
