package dev.ingot.server;

import ch.qos.logback.classic.Level;
import dev.ingot.media.decode.VideoDecoderSupport;
import dev.ingot.media.decode.VulkanVideoProbe;
import dev.ingot.server.config.ConfigException;
import dev.ingot.server.config.IngotConfig;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code bin/ingot}: reads the environment, starts the server. SIGTERM drains (no new WHIP sessions; live ones go on
 * until they end or {@code INGOT_DRAIN_GRACE_SECONDS} pass) and then exits 0, as {@code POST /api/drain} does; SIGINT
 * (Ctrl-C) stops at once. Either way the shutdown hook closes sessions and listeners and removes the socket files.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        IngotConfig config;
        Path sideChannelDir;
        try {
            config = IngotConfig.fromEnvironment();
            sideChannelDir = IngotConfig.prepareSideChannelDir(config.sideChannelSocketDir());
        } catch (ConfigException e) {
            System.err.println("ingot: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        configureLogging(config.loggerLevel());
        Logger log = LoggerFactory.getLogger(Main.class);
        // Probing FFmpeg for Vulkan Video loads its natives (a second or more): it runs while the listeners start,
        // so the server answers at once and a register request (which needs the answer) waits as little as possible.
        var support = new java.util.concurrent.CompletableFuture<dev.ingot.media.decode.VideoDecoderSupport>();
        Thread.ofPlatform().name("vulkan-probe").daemon().start(() -> {
            support.complete(VulkanVideoProbe.probe());
            // load FFmpeg's natives now rather than on the first publisher's POST
            try (var warm = dev.ingot.media.decode.VideoDecoder.open(dev.ingot.media.decode.VideoDecoderKind.FFMPEG_H264)) {
                log.debug("FFmpeg ready: {}", warm.decoderName());
            } catch (RuntimeException e) {
                log.warn("FFmpeg could not be loaded: {}", e.toString());
            }
        });
        IngotServer server;
        try {
            server = new IngotServer(config, support, sideChannelDir).warmUpAtStart(true).start();
        } catch (RuntimeException e) {
            log.error("ingot: could not start: {}", e.toString());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ingot-shutdown"));
        server.afterDrain(() -> System.exit(0));
        drainOnSigterm(server, log);
    }

    /** Replaces the JVM's SIGTERM action (run the shutdown hooks now) with a drain that exits when it ends. */
    private static void drainOnSigterm(IngotServer server, Logger log) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> server.drain("SIGTERM"));
        } catch (IllegalArgumentException e) {
            log.warn("cannot handle SIGTERM ({}): it stops the server at once, without a drain", e.getMessage());
        }
    }

    static void configureLogging(String level) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
            ctx.getLogger("io.helidon").setLevel(Level.WARN);
        }
    }
}
