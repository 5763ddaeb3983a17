package dev.ingot.server.api;

import java.util.List;

/**
 * A request that fails with Smelter's error body {@code {error_code, message, stack}} and a status code.
 * The stack lists the causes, outermost first (Smelter's convention); it is never null.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String errorCode;
    private final List<String> stack;

    public ApiException(int status, String errorCode, String message, List<String> stack) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
        this.stack = List.copyOf(stack);
    }

    public ApiException(int status, String errorCode, String message) {
        this(status, errorCode, message, List.of(message));
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    public List<String> stack() {
        return stack;
    }

    public static ApiException malformed(int status, String message) {
        return new ApiException(status, ErrorCodes.MALFORMED_REQUEST, message);
    }
}
