package dev.ingot.server.ops;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaving without cutting publishers off. Once started (SIGTERM or {@code POST /api/drain}) the server takes no new
 * WHIP session; the live ones go on until they end or the grace period passes, and then {@link #finished()}
 * completes, saying which of the two happened. Starting twice is starting once.
 */
public final class Drain {
    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);
    /** How often the watcher looks at the live session count. */
    private static final Duration POLL = Duration.ofMillis(100);

    private final Duration grace;
    private final IntSupplier liveSessions;
    private final CompletableFuture<String> finished = new CompletableFuture<>();
    private volatile long startedNanos;
    private volatile boolean started;

    /** @param liveSessions how many WHIP sessions are open now */
    public Drain(Duration grace, IntSupplier liveSessions) {
        this.grace = grace;
        this.liveSessions = liveSessions;
    }

    /** Starts draining (once); {@code why} goes to the log. Returns false if it had started before. */
    public synchronized boolean start(String why) {
        if (started) {
            return false;
        }
        startedNanos = System.nanoTime();
        started = true;
        int live = liveSessions.getAsInt();
        LOG.info("draining ({}): no new WHIP sessions; {} live session(s) may go on for up to {} s", why, live,
                grace.toSeconds());
        Thread.ofVirtual().name("drain").start(this::watch);
        return true;
    }

    private void watch() {
        try {
            while (true) {
                int live = liveSessions.getAsInt();
                if (live == 0) {
                    finished.complete("every session ended");
                    return;
                }
                if (secondsLeft() <= 0) {
                    finished.complete("grace period of " + grace.toSeconds() + " s over with " + live
                            + " session(s) still live");
                    return;
                }
                Thread.sleep(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished.complete("interrupted");
        } catch (RuntimeException e) {
            finished.complete("watcher failed: " + e);
        }
    }

    public boolean draining() {
        return started;
    }

    /** Seconds of the grace period left; the whole period before the drain starts. */
    public double secondsLeft() {
        if (!started) {
            return grace.toNanos() / 1e9;
        }
        return Math.max(0, (grace.toNanos() - (System.nanoTime() - startedNanos)) / 1e9);
    }

    public Duration grace() {
        return grace;
    }

    /** Completes with why the drain ended: every session ended, or the grace period passed. */
    public CompletableFuture<String> finished() {
        return finished;
    }
}
