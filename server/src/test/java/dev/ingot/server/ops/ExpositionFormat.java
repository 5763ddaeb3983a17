package dev.ingot.server.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text exposition format 0.0.4 for tests: every line is a HELP, a TYPE or a
 * sample; a family's HELP and TYPE come once, before its samples, and its samples are contiguous; no series
 * appears twice; counters end in {@code _total} and are not negative. Returns the problems found.
 */
final class ExpositionFormat {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (?:[^\\\\\\n]|\\\\\\\\|\\\\n)*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\\\\\|\\\\\"|\\\\n)*\"(?:,(?=[a-zA-Z_]))?)*})? (\\S+)");
    private static final Pattern VALUE = Pattern.compile("NaN|[+-]Inf|[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");

    private ExpositionFormat() {
    }

    static List<String> check(String text) {
        List<String> problems = new ArrayList<>();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            problems.add("does not end with a newline");
        }
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        String current = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                String name = m.group(1);
                if (!helped.add(name)) {
                    problems.add(n + ": second HELP for " + name);
                }
                if (current != null && !current.equals(name)) {
                    closed.add(current);
                }
                current = name;
            } else if ((m = TYPE.matcher(line)).matches()) {
                String name = m.group(1);
                if (types.put(name, m.group(2)) != null) {
                    problems.add(n + ": second TYPE for " + name);
                }
                if (current != null && !current.equals(name)) {
                    closed.add(current);
                }
                current = name;
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                if (!types.containsKey(name)) {
                    problems.add(n + ": sample of " + name + " before its TYPE");
                }
                if (closed.contains(name)) {
                    problems.add(n + ": samples of " + name + " are not contiguous");
                }
                if (!name.equals(current)) {
                    if (current != null) {
                        closed.add(current);
                    }
                    current = name;
                }
                if (!series.add(name + (m.group(2) == null ? "" : m.group(2)))) {
                    problems.add(n + ": duplicate series " + line);
                }
                String value = m.group(3);
                if (!VALUE.matcher(value).matches()) {
                    problems.add(n + ": bad value " + value);
                } else if ("counter".equals(types.get(name))) {
                    if (!name.endsWith("_total")) {
                        problems.add(n + ": counter " + name + " does not end in _total");
                    }
                    if (value.startsWith("-") || value.equals("NaN")) {
                        problems.add(n + ": counter " + name + " is " + value);
                    }
                }
            } else {
                problems.add(n + ": not a HELP, TYPE or sample line: " + line);
            }
        }
        return problems;
    }
}
