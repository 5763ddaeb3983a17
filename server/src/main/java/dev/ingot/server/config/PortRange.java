package dev.ingot.server.config;

/** An inclusive range of UDP ports, written "start:end" in the environment. */
public record PortRange(int start, int end) {
    public PortRange {
        if (start < 1 || end > 65535 || start > end) {
            throw new IllegalArgumentException("invalid port range " + start + ":" + end);
        }
    }

    public int size() {
        return end - start + 1;
    }
}
