package dev.ingot.server.whip;

import static dev.ingot.server.api.ControlApi.guarded;

import dev.ingot.server.api.ApiException;
import dev.ingot.server.api.ErrorCodes;
import dev.ingot.server.http.Replies;
import dev.ingot.server.input.InputRegistry;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.limits.PerAddressRateLimiter;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WHIP endpoint (RFC 9725) at {@code /whip/:input_id}: POST an offer, PATCH trickle/ICE restart, DELETE.
 * CORS on every response (browsers publish from other origins), OPTIONS answers preflights, bearer tokens are
 * checked in constant time, and errors carry Smelter's JSON body.
 */
public final class WhipEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(WhipEndpoint.class);
    public static final String SDP = "application/sdp";
    public static final String SDPFRAG = "application/trickle-ice-sdpfrag";
    /** Retry-After of a 503 from the transport (sessions or UDP ports exhausted). */
    static final long RETRY_AFTER_FULL_SECONDS = 5;

    private final InputRegistry registry;
    private final WhipTransport transport;
    private final List<String> stunServers;
    private final int maxSdpBytes;
    private final PerAddressRateLimiter postLimit;
    private volatile SessionAdmission admission = SessionAdmission.ANY;

    /** {@code transport} may be null while no media transport is built in: a valid POST then gets 501. */
    public WhipEndpoint(InputRegistry registry, WhipTransport transport, List<String> stunServers, int maxSdpBytes) {
        this(registry, transport, stunServers, maxSdpBytes, null);
    }

    /** {@code postLimit}: POSTs per remote address (429 beyond it); null for no limit. */
    public WhipEndpoint(InputRegistry registry, WhipTransport transport, List<String> stunServers, int maxSdpBytes,
            PerAddressRateLimiter postLimit) {
        this.registry = registry;
        this.transport = transport;
        this.stunServers = List.copyOf(stunServers);
        this.maxSdpBytes = maxSdpBytes;
        this.postLimit = postLimit;
    }

    /** Who decides whether a new session may start (capacity, drain); by default every offer may. */
    public WhipEndpoint admission(SessionAdmission admission) {
        this.admission = admission;
        return this;
    }

    public void routes(HttpRouting.Builder r) {
        r.addFilter((chain, req, res) -> {
            res.header("Access-Control-Allow-Origin", "*");
            res.header("Access-Control-Allow-Methods", "POST, PATCH, DELETE, OPTIONS");
            res.header("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match");
            res.header("Access-Control-Expose-Headers", "Location, ETag, Link, Accept-Post, Accept-Patch");
            res.header("Access-Control-Max-Age", "600");
            chain.proceed();
        });
        r.options("/whip/{id}", guarded(this::options));
        r.options("/whip/{id}/{session}", guarded(this::options));
        r.post("/whip/{id}", guarded(this::post));
        r.patch("/whip/{id}/{session}", guarded(this::patch));
        r.delete("/whip/{id}/{session}", guarded(this::delete));
        r.any("/whip/{id}", guarded((req, res) -> methodNotAllowed(res, "POST, OPTIONS")));
        r.any("/whip/{id}/{session}", guarded((req, res) -> methodNotAllowed(res, "PATCH, DELETE, OPTIONS")));
    }

    private static void methodNotAllowed(ServerResponse res, String allow) {
        res.header("Allow", allow);
        Replies.error(res, 405, ErrorCodes.METHOD_NOT_ALLOWED, "method not allowed here; allowed: " + allow);
    }

    private void options(ServerRequest req, ServerResponse res) {
        res.header("Accept-Post", SDP);
        res.header("Accept-Patch", SDPFRAG);
        addIceServerLinks(res);
        res.status(204);
        res.send();
    }

    private void addIceServerLinks(ServerResponse res) {
        for (String s : stunServers) {
            res.header(HeaderNames.LINK, "<" + s + ">; rel=\"ice-server\"");
        }
    }

    /** Unknown input -> 404; wrong or missing token -> 401 (Smelter's order). */
    private RegisteredInput authorize(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        RegisteredInput input = registry.get(id).orElseThrow(() -> new ApiException(404,
                ErrorCodes.INPUT_STREAM_NOT_FOUND, "Input \"" + id + "\" is not registered"));
        if (!input.token().matchesAuthorizationHeader(Replies.header(req, "Authorization"))) {
            throw new ApiException(401, "UNAUTHORIZED", "missing or wrong bearer token");
        }
        return input;
    }

    private String textBody(ServerRequest req, String expectedType) {
        Optional<String> type = Replies.mediaType(req);
        if (type.isEmpty() || !type.get().equals(expectedType)) {
            throw new ApiException(415, ErrorCodes.MALFORMED_REQUEST,
                    "expected Content-Type: " + expectedType + ", got " + type.orElse("none"));
        }
        return new String(Replies.body(req, maxSdpBytes), StandardCharsets.UTF_8);
    }

    private void post(ServerRequest req, ServerResponse res) {
        limitRate(req, res);
        RegisteredInput input = authorize(req);
        String offer = textBody(req, SDP);
        if (offer.isBlank()) {
            throw new ApiException(400, ErrorCodes.MALFORMED_REQUEST, "empty SDP offer");
        }
        if (transport == null) {
            throw new ApiException(501, "NOT_IMPLEMENTED",
                    "this build of Ingot has no WebRTC media transport yet; the offer was not answered");
        }
        InetSocketAddress remote = remoteAddress(req);
        WhipTransport.Answer answer;
        switch (admission.admit(input, offer)) {
            case SessionAdmission.Verdict.Refused no -> {
                LOG.info("input={} offer from {} refused: {}", input.id(), remote, no.message());
                throw unavailable(res, no.retryAfterSeconds(), new ApiException(503, no.errorCode(), no.message()));
            }
            case SessionAdmission.Verdict.Admitted yes -> {
                try {
                    answer = transport.offer(input, offer, remote);
                } catch (ApiException e) {
                    throw e.status() == 503 ? unavailable(res, RETRY_AFTER_FULL_SECONDS, e) : e;
                } finally {
                    yes.hold().close();
                }
            }
        }
        String location = "/whip/" + URLEncoder.encode(input.id(), StandardCharsets.UTF_8) + "/"
                + URLEncoder.encode(answer.sessionId(), StandardCharsets.UTF_8);
        LOG.info("input={} offer from {} answered, session {}", input.id(), remote, shortId(answer.sessionId()));
        res.status(201);
        res.header(HeaderNames.LOCATION, location);
        res.header(HeaderNames.ETAG, answer.etag());
        addIceServerLinks(res);
        res.headers().contentType(MediaTypes.create("application", "sdp"));
        res.send(answer.sdp().getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 9725 §4.5: a 503 says when to try again. */
    private static ApiException unavailable(ServerResponse res, long retryAfterSeconds, ApiException e) {
        res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, retryAfterSeconds)));
        return e;
    }

    /** Counted before anything else, so token guessing and floods of bad offers are limited too. */
    private void limitRate(ServerRequest req, ServerResponse res) {
        if (postLimit == null) {
            return;
        }
        PerAddressRateLimiter.Verdict v = postLimit.check(remoteAddress(req).getAddress(), System.nanoTime());
        if (!v.allowed()) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(v.retryAfterSeconds()));
            throw new ApiException(429, "TOO_MANY_REQUESTS", "more than " + postLimit.limit()
                    + " WHIP POSTs per minute from this address (INGOT_WHIP_POSTS_PER_MINUTE_PER_IP); retry in "
                    + v.retryAfterSeconds() + " s");
        }
    }

    private void patch(ServerRequest req, ServerResponse res) {
        RegisteredInput input = authorize(req);
        String session = req.path().pathParameters().get("session");
        String fragment = textBody(req, SDPFRAG);
        if (transport == null) {
            throw new ApiException(404, ErrorCodes.NOT_FOUND, "no such WHIP session");
        }
        WhipTransport.PatchResult result = transport.patch(input, session, Replies.header(req, "If-Match"), fragment);
        switch (result) {
            case WhipTransport.PatchResult.Trickled t -> {
                res.status(204);
                res.send();
            }
            case WhipTransport.PatchResult.Restarted r -> {
                LOG.info("input={} ICE restart on session {}", input.id(), shortId(session));
                res.status(200);
                res.header(HeaderNames.ETAG, r.etag());
                res.headers().contentType(MediaTypes.create("application", "trickle-ice-sdpfrag"));
                res.send(r.fragment().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void delete(ServerRequest req, ServerResponse res) {
        RegisteredInput input = authorize(req);
        String session = req.path().pathParameters().get("session");
        if (transport == null || !transport.delete(input, session)) {
            throw new ApiException(404, ErrorCodes.NOT_FOUND, "no such WHIP session on input \"" + input.id() + "\"");
        }
        LOG.info("input={} session {} deleted by the publisher", input.id(), shortId(session));
        Replies.json(res, 200, java.util.Map.of());
    }

    private static InetSocketAddress remoteAddress(ServerRequest req) {
        SocketAddress a = req.remotePeer().address();
        return a instanceof InetSocketAddress isa ? isa : new InetSocketAddress(0);
    }

    /** Session ids are capabilities: log only a prefix. */
    static String shortId(String sessionId) {
        return sessionId.length() <= 8 ? sessionId : sessionId.substring(0, 8) + "…";
    }
}
