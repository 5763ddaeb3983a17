package dev.ingot.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the server reads from its environment, checked once at start-up.
 * Variables and defaults follow Smelter's (see README.md); a bad value is an error
 * naming the variable and the accepted form, never a silent fallback.
 */
public record IngotConfig(
        String instanceId,
        int apiPort,
        int whipPort,
        boolean whipServerEnabled,
        Optional<PortRange> udpPortRange,
        Optional<Integer> udpMuxPort,
        List<String> natIps,
        List<String> stunServers,
        Framerate outputFramerate,
        int mixingSampleRate,
        int inputBufferDurationMs,
        int streamFallbackTimeoutMs,
        Optional<Path> sideChannelSocketDir,
        String loggerLevel,
        String bindAddress,
        int maxSessions,
        int maxSdpBytes,
        int whipPostsPerMinutePerIp,
        int consentTimeoutMs,
        int disconnectTimeoutMs,
        AdmissionConfig admission) {

    public static final Set<Integer> SAMPLE_RATES = Set.of(8000, 12000, 16000, 24000, 48000);
    public static final String DEFAULT_STUN = "stun:stun.l.google.com:19302";

    /** Which variables the server reads, for docs and error messages. */
    public static final List<String> VARIABLES = List.of(
            "SMELTER_INSTANCE_ID", "SMELTER_API_PORT", "SMELTER_WHIP_WHEP_SERVER_PORT",
            "SMELTER_START_WHIP_WHEP_SERVER", "SMELTER_WEBRTC_UDP_PORT_RANGE", "SMELTER_WEBRTC_UDP_MUX_PORT",
            "SMELTER_WEBRTC_1_TO_1_NAT_IPS", "SMELTER_WEBRTC_STUN_SERVERS", "SMELTER_STUN_SERVERS",
            "SMELTER_OUTPUT_FRAMERATE", "SMELTER_MIXING_SAMPLE_RATE", "SMELTER_INPUT_BUFFER_DURATION_MS",
            "SMELTER_STREAM_FALLBACK_TIMEOUT_MS", "SMELTER_SIDE_CHANNEL_SOCKET_DIR", "SMELTER_LOGGER_LEVEL",
            "INGOT_BIND_ADDRESS", "INGOT_MAX_SESSIONS", "INGOT_MAX_SDP_BYTES",
            "INGOT_WHIP_POSTS_PER_MINUTE_PER_IP", "INGOT_ICE_CONSENT_TIMEOUT_MS",
            "INGOT_DISCONNECT_TIMEOUT_MS", "INGOT_DRAIN_GRACE_SECONDS", "INGOT_MAX_DECODE_LOAD", "INGOT_CPU_CORES",
            "INGOT_STREAM_CORES", "INGOT_ASSUMED_VIDEO");

    /** The same configuration listening on other ports (0 = any free port; tests use this). */
    public IngotConfig withPorts(int api, int whip) {
        return new IngotConfig(instanceId, api, whip, whipServerEnabled, udpPortRange, udpMuxPort, natIps, stunServers,
                outputFramerate, mixingSampleRate, inputBufferDurationMs, streamFallbackTimeoutMs, sideChannelSocketDir,
                loggerLevel, bindAddress, maxSessions, maxSdpBytes, whipPostsPerMinutePerIp, consentTimeoutMs,
                disconnectTimeoutMs, admission);
    }

    public static IngotConfig fromEnvironment() {
        return fromMap(System.getenv());
    }

    public static IngotConfig fromMap(Map<String, String> env) {
        var r = new Reader(env);
        String instanceId = r.string("SMELTER_INSTANCE_ID").orElseGet(IngotConfig::randomInstanceId);
        int apiPort = r.port("SMELTER_API_PORT", 8081);
        int whipPort = r.port("SMELTER_WHIP_WHEP_SERVER_PORT", 9000);
        boolean whipEnabled = r.bool("SMELTER_START_WHIP_WHEP_SERVER", true);
        Optional<PortRange> range = r.portRange("SMELTER_WEBRTC_UDP_PORT_RANGE");
        Optional<Integer> mux = r.string("SMELTER_WEBRTC_UDP_MUX_PORT").map(v -> r.parsePort("SMELTER_WEBRTC_UDP_MUX_PORT", v));
        List<String> natIps = r.ipList("SMELTER_WEBRTC_1_TO_1_NAT_IPS");
        List<String> stun = r.stunServers();
        Framerate framerate = r.framerate("SMELTER_OUTPUT_FRAMERATE", new Framerate(30, 1));
        int sampleRate = r.intValue("SMELTER_MIXING_SAMPLE_RATE", 48000, 1, Integer.MAX_VALUE,
                "one of 8000, 12000, 16000, 24000, 48000");
        if (!SAMPLE_RATES.contains(sampleRate)) {
            throw new ConfigException("SMELTER_MIXING_SAMPLE_RATE=" + sampleRate
                    + " is not supported: use one of 8000, 12000, 16000, 24000, 48000");
        }
        int bufferMs = r.intValue("SMELTER_INPUT_BUFFER_DURATION_MS", 80, 0, 60_000, "a whole number of milliseconds, 0 to 60000");
        int fallbackMs = r.intValue("SMELTER_STREAM_FALLBACK_TIMEOUT_MS", 3000, 0, 3_600_000,
                "a whole number of milliseconds, 0 to 3600000");
        Optional<Path> sideDir = r.string("SMELTER_SIDE_CHANNEL_SOCKET_DIR").map(Path::of);
        String level = r.loggerLevel();
        String bind = r.string("INGOT_BIND_ADDRESS").orElse("0.0.0.0");
        r.checkAddress("INGOT_BIND_ADDRESS", bind);
        int maxSessions = r.intValue("INGOT_MAX_SESSIONS", 64, 1, 100_000, "a whole number, 1 to 100000");
        int maxSdp = r.intValue("INGOT_MAX_SDP_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024, "a byte count, 1024 to 16777216");
        int postsPerMinute = r.intValue("INGOT_WHIP_POSTS_PER_MINUTE_PER_IP", 120, 1, 1_000_000, "a whole number, 1 to 1000000");
        int consentMs = r.intValue("INGOT_ICE_CONSENT_TIMEOUT_MS", 30_000, 1000, 600_000, "milliseconds, 1000 to 600000");
        int disconnectMs = r.intValue("INGOT_DISCONNECT_TIMEOUT_MS", Math.min(5_000, consentMs / 2), 100, 600_000,
                "milliseconds, 100 to 600000");
        if (disconnectMs >= consentMs) {
            throw new ConfigException("INGOT_DISCONNECT_TIMEOUT_MS=" + disconnectMs + " must be shorter than "
                    + "INGOT_ICE_CONSENT_TIMEOUT_MS=" + consentMs + " (a session is marked disconnected before it is closed)");
        }
        if (whipEnabled && whipPort == apiPort) {
            throw new ConfigException("SMELTER_WHIP_WHEP_SERVER_PORT and SMELTER_API_PORT are both " + apiPort
                    + ": use two different ports");
        }
        return new IngotConfig(instanceId, apiPort, whipPort, whipEnabled, range, mux, natIps, stun, framerate,
                sampleRate, bufferMs, fallbackMs, sideDir, level, bind, maxSessions, maxSdp, postsPerMinute, consentMs,
                disconnectMs, AdmissionConfig.fromMap(env));
    }

    private static String randomInstanceId() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return "smelter_" + HexFormat.of().formatHex(b);
    }

    /** Reads and checks variables; each failure names the variable and what it accepts. */
    record Reader(Map<String, String> env) {
        Optional<String> string(String name) {
            String v = env.get(name);
            if (v == null) {
                return Optional.empty();
            }
            v = v.strip();
            return v.isEmpty() ? Optional.empty() : Optional.of(v);
        }

        int parsePort(String name, String v) {
            try {
                int p = Integer.parseInt(v);
                if (p >= 1 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw new ConfigException(name + "=" + v + " is not a valid port: use a whole number from 1 to 65535");
        }

        int port(String name, int def) {
            return string(name).map(v -> parsePort(name, v)).orElse(def);
        }

        int intValue(String name, int def, int min, int max, String form) {
            Optional<String> v = string(name);
            if (v.isEmpty()) {
                return def;
            }
            try {
                int n = Integer.parseInt(v.get());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new ConfigException(name + "=" + v.get() + " is invalid: use " + form);
        }

        boolean bool(String name, boolean def) {
            Optional<String> v = string(name);
            if (v.isEmpty()) {
                return def;
            }
            return switch (v.get().toLowerCase(Locale.ROOT)) {
                case "true", "1" -> true;
                case "false", "0" -> false;
                default -> throw new ConfigException(name + "=" + v.get() + " is invalid: use true, 1, false or 0");
            };
        }

        Optional<PortRange> portRange(String name) {
            return string(name).map(v -> {
                String form = " is not a valid port range: use \"start:end\" with 1 <= start <= end <= 65535";
                String[] parts = v.split(":", -1);
                if (parts.length != 2) {
                    throw new ConfigException(name + "=" + v + form);
                }
                try {
                    return new PortRange(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name + "=" + v + form);
                }
            });
        }

        List<String> ipList(String name) {
            List<String> out = new ArrayList<>();
            string(name).ifPresent(v -> {
                for (String part : v.split(",")) {
                    String ip = part.strip();
                    if (ip.isEmpty()) {
                        continue;
                    }
                    checkAddress(name, ip);
                    out.add(ip);
                }
            });
            return List.copyOf(out);
        }

        void checkAddress(String name, String ip) {
            boolean literal = ip.matches("[0-9.]+") || ip.contains(":");
            if (!literal) {
                throw new ConfigException(name + " holds \"" + ip + "\": use IP addresses (IPv4 or IPv6 literals), comma separated");
            }
            try {
                InetAddress.getByName(ip);
            } catch (UnknownHostException e) {
                throw new ConfigException(name + " holds \"" + ip + "\": use IP addresses (IPv4 or IPv6 literals), comma separated");
            }
            if (ip.matches("[0-9.]+") && ip.split("\\.").length != 4) {
                throw new ConfigException(name + " holds \"" + ip + "\": use IP addresses (IPv4 or IPv6 literals), comma separated");
            }
        }

        List<String> stunServers() {
            String name = env.containsKey("SMELTER_WEBRTC_STUN_SERVERS") ? "SMELTER_WEBRTC_STUN_SERVERS"
                    : env.containsKey("SMELTER_STUN_SERVERS") ? "SMELTER_STUN_SERVERS" : null;
            if (name == null) {
                return List.of(DEFAULT_STUN);
            }
            List<String> out = new ArrayList<>();
            for (String part : env.get(name).split(",")) {
                String s = part.strip();
                if (s.isEmpty()) {
                    continue;
                }
                if (!s.startsWith("stun:") && !s.startsWith("stuns:")) {
                    s = "stun:" + s;
                }
                if (!s.matches("stuns?:[A-Za-z0-9.\\-\\[\\]:]+")) {
                    throw new ConfigException(name + " holds \"" + part.strip()
                            + "\": use stun:host[:port] entries, comma separated (empty for none)");
                }
                out.add(s);
            }
            return List.copyOf(out);
        }

        Framerate framerate(String name, Framerate def) {
            Optional<String> v = string(name);
            if (v.isEmpty()) {
                return def;
            }
            String form = " is not a valid framerate: use a positive whole number N or NUM/DEN (e.g. 30 or 30000/1001)";
            String[] parts = v.get().split("/", -1);
            try {
                if (parts.length == 1) {
                    return new Framerate(Integer.parseInt(parts[0].strip()), 1);
                }
                if (parts.length == 2) {
                    return new Framerate(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
                }
            } catch (IllegalArgumentException e) {
                // fall through
            }
            throw new ConfigException(name + "=" + v.get() + form);
        }

        String loggerLevel() {
            Optional<String> v = string("SMELTER_LOGGER_LEVEL");
            if (v.isEmpty()) {
                return "info";
            }
            String level = v.get().toLowerCase(Locale.ROOT);
            return switch (level) {
                case "error", "warn", "info", "debug", "trace", "off" -> level;
                default -> throw new ConfigException("SMELTER_LOGGER_LEVEL=" + v.get()
                        + " is invalid: use error, warn, info, debug, trace or off");
            };
        }
    }

    /**
     * Validates the side-channel directory: created if missing, must be an empty directory once the socket files
     * of a server that died without cleaning up are removed ({@link StaleSocketFiles}).
     */
    public static Path prepareSideChannelDir(Optional<Path> configured) {
        try {
            if (configured.isEmpty()) {
                Path base = Optional.ofNullable(System.getenv("XDG_RUNTIME_DIR")).map(Path::of)
                        .filter(Files::isDirectory).orElse(Path.of(System.getProperty("java.io.tmpdir")));
                return Files.createTempDirectory(base, "ingot-side-channel-");
            }
            Path dir = configured.get();
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new ConfigException("SMELTER_SIDE_CHANNEL_SOCKET_DIR=" + dir + " is not a directory: point it at an empty directory (created if missing)");
            }
            Files.createDirectories(dir);
            List<String> stale = StaleSocketFiles.remove(dir);
            if (!stale.isEmpty()) {
                org.slf4j.LoggerFactory.getLogger(IngotConfig.class).info(
                        "removed {} stale side-channel socket file(s) nobody listens on from {}: {}", stale.size(), dir, stale);
            }
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new ConfigException("SMELTER_SIDE_CHANNEL_SOCKET_DIR=" + dir + " is not empty: point it at an empty directory (created if missing; socket files nobody listens on are removed)");
                }
            }
            return dir;
        } catch (java.io.IOException e) {
            throw new ConfigException("SMELTER_SIDE_CHANNEL_SOCKET_DIR: cannot prepare the directory: " + e.getMessage());
        }
    }
}
