package dev.ingot.server.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes Prometheus' text exposition format (version 0.0.4): one {@code # HELP} and {@code # TYPE} line per
 * metric family, then its samples, families in the order first seen. Label values are escaped
 * ({@code \\}, {@code "}, newline), help text too ({@code \\}, newline); names are checked. A series
 * (name + labels) added twice keeps the last value, so the output never holds duplicates.
 */
public final class MetricsText {
    /** The Content-Type of the format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** Prometheus' metric types used here. */
    public enum Type {
        COUNTER, GAUGE;

        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private record Family(String name, Type type, String help, Map<String, String> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /**
     * Adds one sample. {@code labels} alternate name and value ({@code "input_id", "cam1", "track", "video"}).
     *
     * @throws IllegalArgumentException for a bad name, an odd label list, or a family re-declared with
     *         another type
     */
    public MetricsText add(String name, Type type, String help, double value, String... labels) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name '" + name + "'");
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels must be name/value pairs");
        }
        Family f = families.computeIfAbsent(name, n -> new Family(n, type, help, new LinkedHashMap<>()));
        if (f.type != type) {
            throw new IllegalArgumentException(name + " is a " + f.type.text() + ", not a " + type.text());
        }
        StringBuilder series = new StringBuilder(name);
        if (labels.length > 0) {
            series.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!LABEL_NAME.matcher(labels[i]).matches() || labels[i].startsWith("__")) {
                    throw new IllegalArgumentException("bad label name '" + labels[i] + "'");
                }
                series.append(i == 0 ? "" : ",").append(labels[i]).append("=\"")
                        .append(escapeLabelValue(labels[i + 1])).append('"');
            }
            series.append('}');
        }
        f.samples.put(series.toString(), formatValue(value));
        return this;
    }

    /** Metric names made from JSON field names: anything outside {@code [a-zA-Z0-9_]} becomes {@code _}. */
    public static String sanitize(String name) {
        String s = name.replaceAll("[^a-zA-Z0-9_]", "_");
        return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }

    static String escapeLabelValue(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String formatValue(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** The names of the families added so far. */
    public List<String> familyNames() {
        return List.copyOf(families.keySet());
    }

    /** The whole exposition, ending with a newline. */
    public String render() {
        StringBuilder out = new StringBuilder(4096);
        for (Family f : families.values()) {
            out.append("# HELP ").append(f.name).append(' ').append(escapeHelp(f.help)).append('\n');
            out.append("# TYPE ").append(f.name).append(' ').append(f.type.text()).append('\n');
            for (Map.Entry<String, String> s : f.samples.entrySet()) {
                out.append(s.getKey()).append(' ').append(s.getValue()).append('\n');
            }
        }
        return out.toString();
    }
}
