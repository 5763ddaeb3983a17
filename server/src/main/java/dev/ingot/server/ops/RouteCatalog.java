package dev.ingot.server.ops;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every HTTP route the server has, on both listeners, as it was really registered: the listeners' routing
 * builders are wrapped by {@link #recorder} so each {@code get/post/.../any(path, ...)} call is written down
 * before it reaches Helidon. {@code /openapi.json} is checked against this list by a test, so a route that
 * is added without being documented (or documented without being routed) fails the build.
 */
public final class RouteCatalog {
    /** Which HTTP listener a route is on. */
    public enum Listener {
        /** {@code SMELTER_API_PORT}: the control API, {@code /ws}, the dashboard, metrics. */
        API,
        /** {@code SMELTER_WHIP_WHEP_SERVER_PORT}: the WHIP endpoint. */
        WHIP
    }

    /**
     * One registered route. {@code method} is upper case, or {@code *} for a catch-all registered with
     * {@code any(path, ...)} (those answer 405 or a specific 4xx for methods the path does not take);
     * {@code path} is Helidon's pattern, e.g. {@code /api/input/{id}/register}.
     */
    public record Route(Listener listener, String method, String path) {
        /** Whether the path is a real operation's template and not a wildcard ({@code *}) fallback. */
        public boolean isTemplate() {
            return !path.contains("*");
        }

        /** The path with every parameter name replaced by {@code {}}, to compare with other spellings. */
        public String shape() {
            return path.replaceAll("\\{[^}/]*}", "{}");
        }
    }

    private static final Set<String> VERBS = Set.of("get", "post", "put", "delete", "head", "options", "trace",
            "patch", "any");
    private final List<Route> routes = new ArrayList<>();

    /** Records a route that is not on an {@link HttpRouting.Builder} (e.g. the {@code /ws} WebSocket upgrade). */
    public synchronized void add(Listener listener, String method, String path) {
        routes.add(new Route(listener, method.toUpperCase(Locale.ROOT), path));
    }

    /** The routes recorded so far, in registration order. */
    public synchronized List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * A routing builder that forwards every call to {@code target} and records the routes registered with a
     * path. Handlers registered without a path (fallbacks, filters) and routes of {@code register(HttpService)}
     * are forwarded but not recorded.
     */
    public HttpRouting.Builder recorder(HttpRouting.Builder target, Listener listener) {
        Object[] self = new Object[1];
        HttpRouting.Builder proxy = (HttpRouting.Builder) Proxy.newProxyInstance(
                HttpRouting.Builder.class.getClassLoader(), new Class<?>[] {HttpRouting.Builder.class},
                (p, m, args) -> {
                    record(listener, m.getName(), args);
                    Object result;
                    try {
                        result = m.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return result == target ? self[0] : result;
                });
        self[0] = proxy;
        return proxy;
    }

    private void record(Listener listener, String name, Object[] args) {
        if (args == null || args.length < 2) {
            return;
        }
        if (VERBS.contains(name) && args[0] instanceof String path) {
            add(listener, name.equals("any") ? "*" : name, path);
        } else if (name.equals("route") && args[0] instanceof Method method && args[1] instanceof String path) {
            add(listener, method.text(), path);
        }
    }
}
