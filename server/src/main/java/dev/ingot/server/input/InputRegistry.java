package dev.ingot.server.input;

import dev.ingot.server.api.ApiException;
import dev.ingot.server.api.ErrorCodes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registered inputs by id. Registering and unregistering are atomic per id; inputs are independent. */
public final class InputRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(InputRegistry.class);
    private final ConcurrentMap<String, RegisteredInput> inputs = new ConcurrentHashMap<>();
    private final List<Consumer<RegisteredInput>> unregisterListeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

    public void add(RegisteredInput input) {
        if (inputs.putIfAbsent(input.id(), input) != null) {
            throw new ApiException(409, ErrorCodes.INPUT_STREAM_ALREADY_REGISTERED,
                    "Failed to register input stream. Stream \"" + input.id() + "\" is already registered.");
        }
        version.incrementAndGet();
    }

    /**
     * A number that changes after every registration and removal (incremented once the change is visible): a
     * reader that saw the same number before and after looking at {@link #all()} saw a settled set.
     */
    public long version() {
        return version.get();
    }

    public Optional<RegisteredInput> get(String id) {
        return Optional.ofNullable(inputs.get(id));
    }

    public Collection<RegisteredInput> all() {
        return List.copyOf(inputs.values());
    }

    /** Called after an input is removed and closed (side channel, events and stats clean up here). */
    public void onUnregister(Consumer<RegisteredInput> listener) {
        unregisterListeners.add(listener);
    }

    public RegisteredInput remove(String id) {
        RegisteredInput input = inputs.remove(id);
        if (input == null) {
            throw new ApiException(404, ErrorCodes.INPUT_STREAM_NOT_FOUND,
                    "Input stream \"" + id + "\" does not exist.");
        }
        version.incrementAndGet();
        closeQuietly(input);
        return input;
    }

    /** Removes every input (reset and shutdown). */
    public void clear() {
        for (String id : new ArrayList<>(inputs.keySet())) {
            RegisteredInput input = inputs.remove(id);
            if (input != null) {
                version.incrementAndGet();
                closeQuietly(input);
            }
        }
    }

    private void closeQuietly(RegisteredInput input) {
        try {
            input.close();
        } catch (RuntimeException e) {
            LOG.warn("input={} closing its session failed: {}", input.id(), e.toString());
        }
        for (Consumer<RegisteredInput> l : unregisterListeners) {
            try {
                l.accept(input);
            } catch (RuntimeException e) {
                LOG.warn("input={} unregister listener failed: {}", input.id(), e.toString());
            }
        }
        LOG.info("input={} unregistered", input.id());
    }
}
