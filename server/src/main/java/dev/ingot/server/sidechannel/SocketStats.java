package dev.ingot.server.sidechannel;

/**
 * Counters of one side-channel socket (an input's video or audio).
 *
 * @param enabled          whether the input asked for this socket
 * @param readers          readers connected now
 * @param readersAccepted  readers that connected since the socket opened
 * @param messagesSent     messages written in full to a reader, summed over readers
 * @param messagesDropped  messages a reader lost because its queue was full, summed over readers
 */
public record SocketStats(boolean enabled, int readers, long readersAccepted, long messagesSent,
        long messagesDropped) {
    public static final SocketStats DISABLED = new SocketStats(false, 0, 0, 0, 0);
}
