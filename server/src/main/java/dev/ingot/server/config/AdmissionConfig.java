package dev.ingot.server.config;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When the WHIP endpoint takes a new session, and how the server leaves: the drain grace period and the
 * decode-cost limit (see docs/operations.md, "More than one machine").
 *
 * @param drainGraceSeconds    {@code INGOT_DRAIN_GRACE_SECONDS}: after SIGTERM or {@code POST /api/drain}, how long
 *                             live sessions may go on before the server closes them and exits
 * @param maxDecodeLoad        {@code INGOT_MAX_DECODE_LOAD}: the share of the usable cores that the estimated decode
 *                             load of all sessions may reach; 0 turns the cost limit off
 * @param cpuCores             {@code INGOT_CPU_CORES}: the cores Ingot may use; empty means the JVM's count, which
 *                             follows the container's CPU quota and cpuset
 * @param streamCores          {@code INGOT_STREAM_CORES}: what one 720p30 H.264 stream costs, in cores (receive,
 *                             decode, RGBA); other sizes, rates and codecs are scaled from it
 * @param assumedVideo         {@code INGOT_ASSUMED_VIDEO}: the picture size and rate assumed when the offer does
 *                             not bound it (VP8, VP9, H.264 without profile-level-id)
 */
public record AdmissionConfig(int drainGraceSeconds, double maxDecodeLoad, OptionalDouble cpuCores,
        double streamCores, VideoFormat assumedVideo) {

    public static final int DEFAULT_DRAIN_GRACE_SECONDS = 30;
    public static final double DEFAULT_MAX_DECODE_LOAD = 0.8;
    /** BENCHMARKS.md: 0.09 cores per added 720p30 H.264 stream on a 2.x GHz EPYC core, rounded up. */
    public static final double DEFAULT_STREAM_CORES = 0.1;

    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?|\\.[0-9]+");
    private static final Pattern FORMAT = Pattern.compile("([0-9]{1,5})x([0-9]{1,5})@([0-9]+(?:\\.[0-9]+)?)");

    /** A picture size and rate, e.g. {@code 1280x720@30}. */
    public record VideoFormat(int width, int height, double fps) {
        public VideoFormat {
            if (width <= 0 || height <= 0 || !(fps > 0)) {
                throw new IllegalArgumentException("width, height and fps must be positive");
            }
        }

        /** Pixels per second. */
        public double pixelRate() {
            return (double) width * height * fps;
        }

        @Override
        public String toString() {
            return width + "x" + height + "@" + (fps == Math.rint(fps) ? Long.toString((long) fps) : Double.toString(fps));
        }
    }

    public static AdmissionConfig defaults() {
        return fromMap(Map.of());
    }

    public static AdmissionConfig fromMap(Map<String, String> env) {
        IngotConfig.Reader r = new IngotConfig.Reader(env);
        int grace = r.intValue("INGOT_DRAIN_GRACE_SECONDS", DEFAULT_DRAIN_GRACE_SECONDS, 0, 86_400,
                "a whole number of seconds, 0 to 86400");
        double load = decimal(r, "INGOT_MAX_DECODE_LOAD", DEFAULT_MAX_DECODE_LOAD, 0, 64,
                "a decimal number from 0 (no cost limit) to 64, e.g. 0.8");
        OptionalDouble cores = r.string("INGOT_CPU_CORES").map(v -> OptionalDouble.of(cores(v)))
                .orElse(OptionalDouble.empty());
        double stream = decimal(r, "INGOT_STREAM_CORES", DEFAULT_STREAM_CORES, 0.001, 64,
                "a decimal number of cores from 0.001 to 64, e.g. 0.1");
        VideoFormat assumed = r.string("INGOT_ASSUMED_VIDEO").map(AdmissionConfig::format)
                .orElse(new VideoFormat(1280, 720, 30));
        return new AdmissionConfig(grace, load, cores, stream, assumed);
    }

    /** The cores Ingot may use: {@code INGOT_CPU_CORES}, else the JVM's count (cgroup quota and cpuset aware). */
    public double usableCores() {
        return cpuCores.orElseGet(() -> Runtime.getRuntime().availableProcessors());
    }

    private static double decimal(IngotConfig.Reader r, String name, double def, double min, double max, String form) {
        Optional<String> v = r.string(name);
        if (v.isEmpty()) {
            return def;
        }
        if (DECIMAL.matcher(v.get()).matches()) {
            double d = Double.parseDouble(v.get());
            if (d >= min && d <= max) {
                return d;
            }
        }
        throw new ConfigException(name + "=" + v.get() + " is invalid: use " + form);
    }

    /** {@code 2}, {@code 1.5} or Kubernetes' millicores {@code 1500m}. */
    private static double cores(String v) {
        String form = " is invalid: use a number of cores (2, 1.5) or millicores (1500m), at least 0.1";
        boolean milli = v.endsWith("m");
        String number = milli ? v.substring(0, v.length() - 1) : v;
        if (DECIMAL.matcher(number).matches()) {
            double d = Double.parseDouble(number) / (milli ? 1000 : 1);
            if (d >= 0.1 && d <= 100_000) {
                return d;
            }
        }
        throw new ConfigException("INGOT_CPU_CORES=" + v + form);
    }

    private static VideoFormat format(String v) {
        Matcher m = FORMAT.matcher(v);
        if (m.matches()) {
            int w = Integer.parseInt(m.group(1));
            int h = Integer.parseInt(m.group(2));
            double fps = Double.parseDouble(m.group(3));
            if (w > 0 && h > 0 && fps > 0 && fps <= 1000) {
                return new VideoFormat(w, h, fps);
            }
        }
        throw new ConfigException("INGOT_ASSUMED_VIDEO=" + v
                + " is invalid: use WIDTHxHEIGHT@FPS, e.g. 1280x720@30 or 1920x1080@60");
    }
}
