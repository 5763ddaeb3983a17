package dev.ingot.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.server.TestServer;
import dev.ingot.server.ops.RouteCatalog.Listener;
import dev.ingot.server.ops.RouteCatalog.Route;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi.json} against the running server: every documented path and method is really routed, and
 * every route the server registered (its {@link RouteCatalog}) is documented.
 */
class OpenApiDocumentTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    /**
     * Routes that are not operations: the control API's POST /api/input/* answers ids that contain a '/' with 400
     * (and anything else there with 404); it exists so such ids are not reported as a missing route.
     */
    private static final Set<String> UNDOCUMENTED_FALLBACKS = Set.of("API POST /api/input/*");

    static TestServer t;
    static JsonNode doc;

    @BeforeAll
    static void start() {
        t = new TestServer();
        // probing POST /api/drain drains the server: keep it up afterwards (the other probes then get 503 on WHIP)
        t.server.afterDrain(() -> { });
        HttpResponse<String> r = t.send("GET", t.api + "/openapi.json", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        doc = TestServer.json(r);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private record Operation(Listener listener, String method, String path) {
        String shape() {
            return path.replaceAll("\\{[^}/]*}", "{}");
        }

        String key() {
            return listener + " " + method + " " + shape();
        }
    }

    private static Listener listenerOf(JsonNode pathItem) {
        JsonNode servers = pathItem.path("servers");
        return servers.isArray() && !servers.isEmpty()
                && servers.get(0).path("description").asText().contains("WHIP") ? Listener.WHIP : Listener.API;
    }

    private static List<Operation> documented() {
        List<Operation> ops = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> p = paths.next();
            Listener listener = listenerOf(p.getValue());
            Iterator<String> names = p.getValue().fieldNames();
            while (names.hasNext()) {
                String m = names.next();
                if (METHODS.contains(m)) {
                    ops.add(new Operation(listener, m.toUpperCase(Locale.ROOT), p.getKey()));
                }
            }
        }
        return ops;
    }

    @Test
    void isAnOpenApi3DocumentWithThisServersWhipPort() {
        assertThat(doc.get("openapi").asText()).startsWith("3.0.");
        assertThat(doc.at("/info/title").asText()).isNotBlank();
        assertThat(doc.at("/paths/~1whip~1{input_id}/servers/0/variables/port/default").asText())
                .isEqualTo(Integer.toString(t.server.whipPort()));
    }

    @Test
    void everyDocumentedOperationIsRouted() throws Exception {
        List<String> unrouted = new ArrayList<>();
        for (Operation op : documented()) {
            if (op.path().equals("/ws")) {
                WebSocket ws = t.http.newWebSocketBuilder().buildAsync(URI.create(t.api.replace("http:", "ws:") + "/ws"),
                        new WebSocket.Listener() { }).get(30, TimeUnit.SECONDS);
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(30, TimeUnit.SECONDS);
                continue;
            }
            String path = op.path().replace("{input_id}", "openapi-probe").replace("{session_id}", "no-such-session")
                    .replace("{asset}", "dashboard.js");
            assertThat(path).doesNotContain("{");
            String base = op.listener() == Listener.WHIP ? t.whip : t.api;
            boolean body = Set.of("POST", "PATCH", "PUT").contains(op.method());
            HttpResponse<String> r = t.send(op.method(), base + path, body ? "application/json" : null, body ? "{}" : null);
            boolean noRoute = r.statusCode() == 404 && r.body().contains("no route for");
            if (noRoute || r.statusCode() == 405) {
                unrouted.add(op.key() + " -> " + r.statusCode() + " " + r.body());
            }
        }
        assertThat(unrouted).isEmpty();
    }

    @Test
    void everyRouteTheServerRegisteredIsDocumented() {
        List<Route> routes = t.server.routeCatalog().routes();
        assertThat(routes).as("the catalog saw the listeners' routes").hasSizeGreaterThan(10);
        Set<String> operations = documented().stream().map(Operation::key).collect(Collectors.toSet());
        Set<String> documentedPaths = documented().stream().map(o -> o.listener() + " " + o.shape())
                .collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (Route r : routes) {
            String name = r.listener() + " " + r.method() + " " + r.path();
            if (UNDOCUMENTED_FALLBACKS.contains(name)) {
                continue;
            }
            if (!r.isTemplate()) {
                missing.add(name + " (a wildcard route: document it or list it in UNDOCUMENTED_FALLBACKS)");
            } else if (r.method().equals("*")) {
                // a catch-all for the other methods (405): its path must be documented
                if (!documentedPaths.contains(r.listener() + " " + r.shape())) {
                    missing.add(name);
                }
            } else if (!operations.contains(r.listener() + " " + r.method() + " " + r.shape())) {
                missing.add(name);
            }
        }
        assertThat(missing).as("routes without an operation in openapi.json").isEmpty();
    }

    @Test
    void everyDocumentedOperationIsInTheRouteCatalog() {
        Set<String> catalog = t.server.routeCatalog().routes().stream()
                .map(r -> r.listener() + " " + r.method() + " " + r.shape()).collect(Collectors.toSet());
        List<String> notInCatalog = documented().stream().map(Operation::key).filter(k -> !catalog.contains(k)).toList();
        assertThat(notInCatalog).isEmpty();
    }

    @Test
    void everyReferenceResolvesAndEveryOperationHasResponses() {
        List<String> problems = new ArrayList<>();
        walk(doc, "", problems);
        for (Operation op : documented()) {
            JsonNode o = doc.get("paths").get(op.path()).get(op.method().toLowerCase(Locale.ROOT));
            if (!o.path("responses").isObject() || o.path("responses").isEmpty()) {
                problems.add(op.key() + " has no responses");
            }
            o.path("responses").fieldNames().forEachRemaining(code -> {
                if (!code.matches("[1-5]\\d\\d|default")) {
                    problems.add(op.key() + " has response key " + code);
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theRegisterSchemaNamesEveryFieldTheParserAccepts() {
        JsonNode props = doc.at("/components/schemas/RegisterRequest/properties");
        assertThat(props.isObject()).isTrue();
        Set<String> names = new TreeSet<>();
        props.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("type", "video", "bearer_token", "required",
                "buffer_size_ms", "offset_ms", "side_channel");
        assertThat(doc.at("/components/schemas/RegisterRequest/additionalProperties").asBoolean(true)).isFalse();
        assertThat(doc.at("/components/schemas/Error/required").toString())
                .contains("error_code", "message", "stack");
        // the status codes of the register table in the README
        JsonNode register = doc.at("/paths/~1api~1input~1{input_id}~1register/post/responses");
        for (String code : List.of("200", "400", "409", "415", "422")) {
            assertThat(register.has(code)).as("register documents %s", code).isTrue();
        }
        assertThat(doc.at("/paths/~1api~1input~1{input_id}~1unregister/post/responses").has("404")).isTrue();
        JsonNode whipPost = doc.at("/paths/~1whip~1{input_id}/post/responses");
        for (String code : List.of("201", "400", "401", "404", "409", "415", "422")) {
            assertThat(whipPost.has(code)).as("WHIP POST documents %s", code).isTrue();
        }
    }

    private static void walk(JsonNode node, String where, List<String> problems) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null) {
                String target = ref.asText();
                if (!target.startsWith("#/") || doc.at(target.substring(1)).isMissingNode()) {
                    problems.add(where + ": $ref " + target + " does not resolve");
                }
            }
            node.fields().forEachRemaining(e -> walk(e.getValue(), where + "/" + e.getKey(), problems));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), where + "/" + i, problems);
            }
        }
    }
}
