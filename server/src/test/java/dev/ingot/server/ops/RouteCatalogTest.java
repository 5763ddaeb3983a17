package dev.ingot.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.server.ops.RouteCatalog.Listener;
import dev.ingot.server.ops.RouteCatalog.Route;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.Test;

class RouteCatalogTest {
    private static final Handler OK = (req, res) -> res.send("ok");

    @Test
    void recordsRoutesRegisteredWithAPathAndForwardsEverything() {
        RouteCatalog catalog = new RouteCatalog();
        HttpRouting.Builder real = HttpRouting.builder();
        HttpRouting.Builder r = catalog.recorder(real, Listener.API);
        HttpRouting.Builder chained = r.get("/a", OK).post("/b/{id}", OK);
        assertThat(chained).as("chaining stays on the recorder").isSameAs(r);
        r.route(Method.PATCH, "/c", OK);
        r.any("/d/*", OK);
        r.any(OK); // a fallback without a path: forwarded, not a route
        r.addFilter((chain, req, res) -> chain.proceed());
        catalog.add(Listener.API, "get", "/ws");
        assertThat(catalog.routes()).containsExactly(
                new Route(Listener.API, "GET", "/a"),
                new Route(Listener.API, "POST", "/b/{id}"),
                new Route(Listener.API, "PATCH", "/c"),
                new Route(Listener.API, "*", "/d/*"),
                new Route(Listener.API, "GET", "/ws"));
        assertThat(real.build()).isNotNull();
    }

    @Test
    void shapesCompareRoutesWhateverTheirParametersAreCalled() {
        assertThat(new Route(Listener.WHIP, "POST", "/whip/{id}/{session}").shape()).isEqualTo("/whip/{}/{}");
        assertThat(new Route(Listener.API, "POST", "/api/input/*").isTemplate()).isFalse();
        assertThat(new Route(Listener.API, "GET", "/status").isTemplate()).isTrue();
    }
}
