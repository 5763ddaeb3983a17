package dev.ingot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingot.server.ops.Capacity;
import dev.ingot.server.ops.MetricsText;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes against Kubernetes 1.32's API schemas (the OpenAPI-generated models of io.kubernetes:client-java-api
 * 24.0.0, which reject unknown fields, missing required fields and wrong types), composed as kustomize composes
 * them ({@link Kustomization}; and compared with {@code kubectl kustomize} where a kubectl is installed), and
 * checked for what Ingot needs: probes on /health and /ready, a termination grace period that covers the drain,
 * resource requests that fit INGOT_MAX_SESSIONS streams of BENCHMARKS.md's cost, one UDP mux port with the node's
 * address as the NAT address, the side-channel emptyDir shared with the consumer as the image's user.
 */
class KubernetesManifestsTest {
    static final Path ROOT = findRoot();
    static final Path KUBE = ROOT.resolve("deploy/kubernetes");
    /** BENCHMARKS.md: ~250 MiB idle and up to 40 MiB per stream (RSS). */
    private static final long IDLE_MIB = 256;
    private static final long MIB_PER_STREAM = 40;

    static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isExecutable(p.resolve("bin/image"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no bin/image above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Strict parse into the model of its kind; throws on anything the schema does not have. */
    static Object validate(JsonNode resource) throws IOException {
        String json = resource.toString();
        String kind = resource.path("kind").asText();
        String apiVersion = resource.path("apiVersion").asText();
        Map<String, String> versions = Map.of("Deployment", "apps/v1", "Service", "v1", "PodDisruptionBudget",
                "policy/v1", "HorizontalPodAutoscaler", "autoscaling/v2");
        assertThat(apiVersion).as(kind + " apiVersion").isEqualTo(versions.get(kind));
        return switch (kind) {
            case "Deployment" -> V1Deployment.fromJson(json);
            case "Service" -> V1Service.fromJson(json);
            case "PodDisruptionBudget" -> V1PodDisruptionBudget.fromJson(json);
            case "HorizontalPodAutoscaler" -> V2HorizontalPodAutoscaler.fromJson(json);
            default -> throw new AssertionError("no schema check for kind " + kind);
        };
    }

    @Test
    void theSchemaCheckRejectsWhatKubernetesWould() throws Exception {
        ObjectNode d = Kustomization.build(KUBE.resolve("base")).stream()
                .filter(r -> r.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        ObjectNode container = (ObjectNode) d.at("/spec/template/spec/containers/0");
        container.put("imagePullPolicyy", "Always");
        assertThatThrownBy(() -> validate(d)).hasMessageContaining("imagePullPolicyy");
        container.remove("imagePullPolicyy");
        container.remove("name");
        assertThatThrownBy(() -> validate(d)).hasMessageContaining("`name`");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example", "overlays/host-network"})
    void everyResourceFitsKubernetesSchemaAndIngotsNeeds(String variant) throws Exception {
        List<ObjectNode> resources = Kustomization.build(KUBE.resolve(variant));
        List<Object> models = new ArrayList<>();
        for (ObjectNode r : resources) {
            models.add(validate(r));
        }
        V1Deployment deployment = models.stream().filter(V1Deployment.class::isInstance).map(V1Deployment.class::cast)
                .findFirst().orElseThrow();
        V1PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        for (Object m : models) {
            if (m instanceof V1Service s) {
                assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector());
                assertThat(s.getSpec().getPublishNotReadyAddresses()).as("full and draining pods stay reachable").isTrue();
            } else if (m instanceof V1PodDisruptionBudget pdb) {
                assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
            } else if (m instanceof V2HorizontalPodAutoscaler hpa) {
                assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
                assertThat(hpa.getSpec().getMetrics()).allSatisfy(metric ->
                        assertThat(ingotMetricNames()).contains(metric.getPods().getMetric().getName()));
            }
        }

        V1Container ingot = pod.getContainers().stream().filter(c -> c.getName().equals("ingot")).findFirst().orElseThrow();
        // probes: liveness and start-up on /health, readiness on /ready, on the control API port
        int apiPort = ingot.getPorts().stream().filter(p -> "api".equals(p.getName())).findFirst().orElseThrow()
                .getContainerPort();
        assertThat(apiPort).isEqualTo(Integer.parseInt(env(ingot, "SMELTER_API_PORT").orElse("8081")));
        assertThat(ingot.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(ingot.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(ingot.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        for (var probe : List.of(ingot.getLivenessProbe(), ingot.getStartupProbe(), ingot.getReadinessProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrValue()).isEqualTo("api");
        }
        // the pod outlives the drain: grace + up to 60 s to close and exit
        long grace = Long.parseLong(env(ingot, "INGOT_DRAIN_GRACE_SECONDS").orElseThrow());
        assertThat(pod.getTerminationGracePeriodSeconds()).isBetween(grace + 10, grace + 60);
        // one UDP port for every session, on the node, and the node's address in the answers
        String mux = env(ingot, "SMELTER_WEBRTC_UDP_MUX_PORT").orElseThrow();
        var media = ingot.getPorts().stream().filter(p -> "UDP".equals(p.getProtocol())).toList();
        assertThat(media).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(Integer.parseInt(mux));
            assertThat(p.getHostPort()).isEqualTo(Integer.parseInt(mux));
        });
        assertThat(ingot.getPorts().stream().filter(p -> "whip".equals(p.getName())).findFirst().orElseThrow()
                .getHostPort()).isEqualTo(9000);
        V1EnvVar nat = ingot.getEnv().stream().filter(e -> e.getName().equals("SMELTER_WEBRTC_1_TO_1_NAT_IPS"))
                .findFirst().orElseThrow();
        assertThat(nat.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.hostIP");
        // sized from BENCHMARKS.md: INGOT_MAX_SESSIONS 720p30 streams fit the decode budget and the memory
        int sessions = Integer.parseInt(env(ingot, "INGOT_MAX_SESSIONS").orElseThrow());
        double streamCores = Double.parseDouble(env(ingot, "INGOT_STREAM_CORES").orElseThrow());
        double maxLoad = Double.parseDouble(env(ingot, "INGOT_MAX_DECODE_LOAD").orElseThrow());
        Quantity cpuRequest = ingot.getResources().getRequests().get("cpu");
        assertThat(ingot.getResources().getLimits().get("cpu")).as("the JVM sees the cores asked for").isEqualTo(cpuRequest);
        assertThat(cpuRequest.getNumber().doubleValue() % 1).as("whole cores (INGOT_CPU_CORES rounds up)").isZero();
        assertThat(sessions * streamCores).isLessThanOrEqualTo(cpuRequest.getNumber().doubleValue() * maxLoad + 1e-9);
        assertThat(ingot.getEnv().stream().filter(e -> e.getName().equals("INGOT_CPU_CORES")).findFirst().orElseThrow()
                .getValueFrom().getResourceFieldRef().getResource()).isEqualTo("requests.cpu");
        long memoryMib = ingot.getResources().getLimits().get("memory").getNumber().longValue() >> 20;
        assertThat(memoryMib).isGreaterThanOrEqualTo(IDLE_MIB + sessions * MIB_PER_STREAM);
        // the side channel: an emptyDir shared with the consumer (a native sidecar), as the image's user
        String socketDir = env(ingot, "SMELTER_SIDE_CHANNEL_SOCKET_DIR").orElseThrow();
        assertThat(socketDir).isEqualTo(ContainerImageTest.SIDE_CHANNEL_DIR);
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("side-channel");
            assertThat(v.getEmptyDir()).isNotNull();
        });
        V1Container consumer = pod.getInitContainers().stream().filter(c -> c.getName().equals("consumer"))
                .findFirst().orElseThrow();
        assertThat(consumer.getRestartPolicy()).as("a native sidecar: stopped after Ingot").isEqualTo("Always");
        for (V1Container c : List.of(ingot, consumer)) {
            assertThat(c.getVolumeMounts()).anySatisfy(m -> {
                assertThat(m.getName()).isEqualTo("side-channel");
                assertThat(m.getMountPath()).isEqualTo(socketDir);
            });
            assertThat(c.getImage()).isEqualTo(ingot.getImage());
        }
        assertThat(consumer.getCommand()).contains(socketDir);
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(ContainerImageTest.IMAGE_UID);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    @Test
    void theOverlaysChangeWhatTheySayAndNothingElse() {
        ObjectNode base = deployment(Kustomization.build(KUBE.resolve("base")));
        ObjectNode example = deployment(Kustomization.build(KUBE.resolve("overlays/example")));
        assertThat(example.at("/metadata/namespace").asText()).isEqualTo("media");
        assertThat(example.at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("registry.example.com/media/ingot:0.1.0");
        assertThat(example.at("/spec/template/spec/initContainers/0/image").asText())
                .isEqualTo("registry.example.com/media/ingot:0.1.0");
        assertThat(example.at("/spec/template/spec/containers/0/resources/requests/cpu").asText()).isEqualTo("4");
        // the env patch changed one value in place and kept the rest of the list
        assertThat(example.at("/spec/template/spec/containers/0/env").size())
                .isEqualTo(base.at("/spec/template/spec/containers/0/env").size());
        ObjectNode hostNetwork = deployment(Kustomization.build(KUBE.resolve("overlays/host-network")));
        assertThat(hostNetwork.at("/spec/template/spec/hostNetwork").asBoolean()).isTrue();
        ObjectNode withoutHostNetwork = hostNetwork.deepCopy();
        ((ObjectNode) withoutHostNetwork.at("/spec/template/spec")).remove(List.of("hostNetwork", "dnsPolicy"));
        assertThat(withoutHostNetwork).isEqualTo(base);
    }

    /**
     * Where a kubectl with kustomize is installed (not from this project's registries: the machine image may have
     * one), its composition of every variant must equal {@link Kustomization}'s. Without one, this says so.
     */
    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example", "overlays/host-network"})
    void kubectlKustomizeComposesTheSame(String variant) throws Exception {
        Optional<String> kubectl = kubectl();
        if (kubectl.isEmpty()) {
            System.out.println("[deploy] no kubectl with kustomize on PATH: " + variant
                    + " checked with the test's own composition only");
            return;
        }
        Process p = new ProcessBuilder(kubectl.get(), "kustomize", KUBE.resolve(variant).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("kubectl kustomize " + variant).isTrue();
        Path file = Files.createTempFile("kustomize-", ".yaml");
        Files.write(file, out);
        List<ObjectNode> theirs = Kustomization.documents(file);
        List<ObjectNode> ours = Kustomization.build(KUBE.resolve(variant));
        assertThat(theirs).hasSameSizeAs(ours);
        for (ObjectNode o : ours) {
            ObjectNode t = theirs.stream().filter(x -> Kustomization.sameObject(x, o)).findFirst().orElseThrow();
            assertThat(t).as(variant + " " + o.path("kind").asText()).isEqualTo(o);
        }
        Files.delete(file);
    }

    private static Optional<String> kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path k = Path.of(dir, "kubectl");
            if (Files.isExecutable(k)) {
                try {
                    Process p = new ProcessBuilder(k.toString(), "kustomize", "--help").redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        return Optional.of(k.toString());
                    }
                } catch (IOException | InterruptedException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static ObjectNode deployment(List<ObjectNode> resources) {
        return resources.stream().filter(r -> r.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
    }

    private static Optional<String> env(V1Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name) && e.getValue() != null).map(V1EnvVar::getValue)
                .findFirst();
    }

    /** The capacity families Ingot's /metrics exports. */
    private static List<String> ingotMetricNames() {
        MetricsText m = new MetricsText();
        new Capacity.Snapshot(0, 1, 0, 0, 1, 1, 0, 0, 0.1, 1, 1, 0, false, Map.of()).addTo(m);
        return m.familyNames();
    }
}
