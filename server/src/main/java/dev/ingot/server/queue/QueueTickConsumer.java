package dev.ingot.server.queue;

/**
 * Receives every output tick, in order, on the queue's thread. It must be quick (a tick is 33 ms at 30 fps and a
 * slow consumer makes every later tick late) and must not block: work that takes time (an RGBA conversion for a
 * thumbnail) retains the frame and runs elsewhere.
 */
@FunctionalInterface
public interface QueueTickConsumer {
    void onTick(QueueTick tick);
}
