package dev.ingot.server.config;

/** Output framerate as a fraction, written "N" or "NUM/DEN" in the environment. */
public record Framerate(int num, int den) {
    public Framerate {
        if (num <= 0 || den <= 0) {
            throw new IllegalArgumentException("framerate must be positive");
        }
    }

    public double fps() {
        return (double) num / den;
    }

    /** Nanoseconds between two ticks, rounded down. */
    public long tickNanos() {
        return 1_000_000_000L * den / num;
    }
}
