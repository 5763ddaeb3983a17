package dev.ingot.server.api;

import dev.ingot.media.decode.VideoDecoderSupport;
import dev.ingot.server.config.IngotConfig;
import dev.ingot.server.input.InputRegistry;
import dev.ingot.server.input.RegisteredInput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the bodies of {@code GET /status} and {@code GET /stats} in Smelter's shape, plus Ingot's extras. */
public final class StatusReport {
    private final IngotConfig config;
    private final InputRegistry registry;
    private final java.util.function.Supplier<VideoDecoderSupport> decoderSupport;

    private java.util.function.Function<String, Map<String, Object>> extras = id -> Map.of();

    private java.util.function.IntSupplier boundWhipPort = () -> -1;

    /** The port the WHIP listener really bound (differs from the configured one when that is 0). */
    public StatusReport withBoundWhipPort(java.util.function.IntSupplier port) {
        this.boundWhipPort = port;
        return this;
    }

    /** More per-input figures for /stats (queue, side channel), beside Smelter's. */
    public StatusReport withExtras(java.util.function.Function<String, Map<String, Object>> extras) {
        this.extras = extras;
        return this;
    }

    public StatusReport(IngotConfig config, InputRegistry registry,
            java.util.function.Supplier<VideoDecoderSupport> decoderSupport) {
        this.config = config;
        this.registry = registry;
        this.decoderSupport = decoderSupport;
    }

    private List<RegisteredInput> sortedInputs() {
        List<RegisteredInput> inputs = new ArrayList<>(registry.all());
        inputs.sort(Comparator.comparing(RegisteredInput::id));
        return inputs;
    }

    public Map<String, Object> status() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("api_port", config.apiPort());
        cfg.put("output_framerate", config.outputFramerate().fps());
        cfg.put("mixing_sample_rate", config.mixingSampleRate());
        cfg.put("ahead_of_time_processing", false);
        cfg.put("never_drop_output_frames", false);
        cfg.put("run_late_scheduled_events", false);
        cfg.put("download_root", System.getProperty("java.io.tmpdir"));
        cfg.put("web_renderer_enable", false);
        cfg.put("web_renderer_enable_gpu", true); // Smelter's default (SMELTER_WEB_RENDERER_GPU_ENABLE unset)
        int bound = boundWhipPort.getAsInt();
        cfg.put("whip_whep_server_port", bound > 0 ? bound : config.whipPort());
        cfg.put("whip_whep_enable", config.whipServerEnabled());
        cfg.put("webrtc_stun_servers", config.stunServers());
        cfg.put("rendering_mode", "gpu_optimized"); // Smelter's default (SMELTER_FORCE_CPU_OPTIMIZED_RENDERING_MODE unset)
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (RegisteredInput in : sortedInputs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input_id", in.id());
            m.put("input_type", "whip");
            m.put("state", in.state().jsonName());
            m.put("decoders", in.decoders().stream().map(d -> d.jsonName()).toList());
            inputs.add(m);
        }
        Map<String, Object> ingot = new LinkedHashMap<>();
        VideoDecoderSupport support = decoderSupport.get();
        ingot.put("vulkan_h264", support.vulkanH264());
        ingot.put("vulkan_detail", support.vulkanDetail());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance_id", config.instanceId());
        body.put("configuration", cfg);
        body.put("inputs", inputs);
        body.put("outputs", List.of());
        body.put("ingot", ingot);
        return body;
    }

    public Map<String, Object> stats() {
        long now = System.nanoTime();
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (RegisteredInput in : sortedInputs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "whip");
            m.put("video_rtp", in.videoStats().toJson(now));
            m.put("audio_rtp", in.audioStats().toJson(now));
            m.put("state", in.state().jsonName());
            m.putAll(in.liveStats());
            m.putAll(extras.apply(in.id()));
            inputs.put(in.id(), m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputs", inputs);
        body.put("outputs", Map.of());
        return body;
    }
}
