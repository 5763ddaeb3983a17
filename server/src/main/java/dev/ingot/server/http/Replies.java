package dev.ingot.server.http;

import dev.ingot.server.api.ApiException;
import dev.ingot.server.api.ErrorCodes;
import dev.ingot.server.api.JsonCodec;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Small pieces both HTTP listeners use: JSON replies, Smelter error bodies, bounded bodies, media types. */
public final class Replies {
    private Replies() {
    }

    public static void json(ServerResponse res, int status, Object body) {
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(JsonCodec.write(body));
    }

    public static void error(ServerResponse res, ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", e.errorCode());
        body.put("message", e.getMessage());
        body.put("stack", e.stack());
        json(res, e.status(), body);
    }

    public static void error(ServerResponse res, int status, String code, String message) {
        error(res, new ApiException(status, code, message));
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, ErrorCodes.NOT_FOUND, what);
    }

    /** The request's media type without parameters, lower case; empty when there is no Content-Type. */
    public static Optional<String> mediaType(ServerRequest req) {
        return req.headers().contentType().map(HttpMediaType::mediaType)
                .map(m -> (m.type() + "/" + m.subtype()).toLowerCase(Locale.ROOT));
    }

    /** Reads the whole body, refusing more than {@code limit} bytes with 413. */
    public static byte[] body(ServerRequest req, int limit) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] data = in.readNBytes(limit + 1);
            if (data.length > limit) {
                throw new ApiException(413, ErrorCodes.MALFORMED_REQUEST,
                        "request body larger than " + limit + " bytes");
            }
            return data;
        } catch (IOException e) {
            throw new ApiException(400, ErrorCodes.MALFORMED_REQUEST, "request body could not be read: " + e.getMessage());
        }
    }

    public static String header(ServerRequest req, String name) {
        return req.headers().first(HeaderNames.create(name)).orElse(null);
    }
}
