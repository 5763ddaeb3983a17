package dev.ingot.server.whip;

import dev.ingot.server.api.ApiException;
import dev.ingot.server.input.RegisteredInput;
import java.net.InetSocketAddress;

/** What the WHIP HTTP endpoint asks of the media transport: open, update and end sessions. */
public interface WhipTransport {

    /** The answer to a publisher's offer: the session id (for the Location URL), the SDP and its ETag. */
    record Answer(String sessionId, String sdp, String etag) {
    }

    /** The result of a PATCH: a trickle (204, no body) or an ICE restart (200 + fragment + new ETag). */
    sealed interface PatchResult {
        record Trickled() implements PatchResult {
        }

        record Restarted(String fragment, String etag) implements PatchResult {
        }
    }

    /** Opens a session for the offer. Fails with an ApiException carrying the HTTP status (409, 422, 400…). */
    Answer offer(RegisteredInput input, String offerSdp, InetSocketAddress remote) throws ApiException;

    /** Applies a trickle or ICE-restart fragment. {@code ifMatch} is null when absent. 404 if no such session. */
    PatchResult patch(RegisteredInput input, String sessionId, String ifMatch, String fragment) throws ApiException;

    /** Ends the session; false if there is no such session on that input. */
    boolean delete(RegisteredInput input, String sessionId);
}
