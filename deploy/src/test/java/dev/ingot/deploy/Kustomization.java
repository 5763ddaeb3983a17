package dev.ingot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of kustomize that deploy/kubernetes uses, for checking the overlays' composition without a kustomize
 * binary: {@code resources} (files and directories with their own kustomization), {@code namespace}, {@code images}
 * (name to newName/newTag) and {@code patches} of strategic-merge files that name their target by kind and name.
 * Strategic merge here is Kubernetes' for the fields these patches touch: maps merge, lists of containers, env,
 * volumes (by {@code name}), ports (by {@code containerPort}) and volume mounts (by {@code mountPath}) merge by
 * their key (the patch's items first, as kustomize orders them), any other list is replaced. Anything else in a
 * kustomization fails loudly, so this never silently composes something kustomize would not.
 */
final class Kustomization {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> KNOWN = Set.of("apiVersion", "kind", "resources", "namespace", "images", "patches");
    private static final Map<String, String> MERGE_KEYS = Map.of("containers", "name", "initContainers", "name",
            "env", "name", "volumes", "name", "ports", "containerPort", "volumeMounts", "mountPath");

    private Kustomization() {
    }

    /** Every YAML document in a file. */
    static List<ObjectNode> documents(Path file) {
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
            List<ObjectNode> out = new ArrayList<>();
            Iterator<ObjectNode> it = YAML.readValues(parser, ObjectNode.class);
            while (it.hasNext()) {
                out.add(it.next());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The resources a kustomization directory builds, in kustomize's order of appearance. */
    static List<ObjectNode> build(Path dir) {
        ObjectNode k = documents(dir.resolve("kustomization.yaml")).get(0);
        Iterator<String> names = k.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException(dir + "/kustomization.yaml: '" + name
                        + "' is not supported by this check; extend Kustomization or drop it");
            }
        }
        List<ObjectNode> resources = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            resources.addAll(Files.isDirectory(p) ? build(p) : documents(p));
        }
        for (JsonNode patch : k.path("patches")) {
            if (!patch.has("path") || patch.size() != 1) {
                throw new IllegalArgumentException(dir + ": only 'patches: - path: FILE' is supported here");
            }
            for (ObjectNode p : documents(dir.resolve(patch.get("path").asText()))) {
                ObjectNode target = resources.stream().filter(res -> sameObject(res, p)).findFirst()
                        .orElseThrow(() -> new AssertionError(dir + "/" + patch.get("path").asText() + ": no "
                                + p.path("kind").asText() + " named " + p.path("metadata").path("name").asText()
                                + " in the resources it patches"));
                merge(target, p);
            }
        }
        for (JsonNode image : k.path("images")) {
            resources.forEach(res -> setImage(res, image));
        }
        if (k.has("namespace")) {
            resources.forEach(res -> ((ObjectNode) res.get("metadata")).put("namespace", k.get("namespace").asText()));
        }
        return resources;
    }

    static boolean sameObject(JsonNode a, JsonNode b) {
        return a.path("kind").equals(b.path("kind")) && a.path("metadata").path("name").equals(b.path("metadata").path("name"));
    }

    /** Strategic merge of {@code patch} into {@code target}. */
    static void merge(ObjectNode target, JsonNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode existing = target.get(f.getKey());
            JsonNode value = f.getValue();
            if (existing instanceof ObjectNode obj && value.isObject()) {
                merge(obj, value);
            } else if (existing instanceof ArrayNode list && value.isArray() && MERGE_KEYS.containsKey(f.getKey())) {
                mergeList(list, (ArrayNode) value, MERGE_KEYS.get(f.getKey()));
            } else {
                target.set(f.getKey(), value.deepCopy());
            }
        }
    }

    /** Items of the patch first (merged into the ones they match), then the target's other items: kustomize's order. */
    private static void mergeList(ArrayNode target, ArrayNode patch, String key) {
        List<JsonNode> rest = new ArrayList<>();
        target.forEach(rest::add);
        List<JsonNode> merged = new ArrayList<>();
        for (JsonNode item : patch) {
            JsonNode match = rest.stream().filter(t -> t.path(key).equals(item.path(key))).findFirst().orElse(null);
            if (match == null) {
                merged.add(item.deepCopy());
            } else {
                rest.remove(match);
                merge((ObjectNode) match, item);
                merged.add(match);
            }
        }
        target.removeAll();
        merged.forEach(target::add);
        rest.forEach(target::add);
    }

    /** kustomize's images transformer: an image named {@code name} (any tag) gets newName and newTag. */
    private static void setImage(JsonNode resource, JsonNode image) {
        JsonNode pod = resource.path("spec").path("template").path("spec");
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : pod.path(list)) {
                String ref = c.path("image").asText();
                String name = ref.contains(":") ? ref.substring(0, ref.lastIndexOf(':')) : ref;
                if (name.equals(image.path("name").asText())) {
                    String tag = ref.contains(":") ? ref.substring(ref.lastIndexOf(':') + 1) : "";
                    String newName = image.path("newName").asText(name);
                    String newTag = image.path("newTag").asText(tag);
                    ((ObjectNode) c).put("image", newTag.isEmpty() ? newName : newName + ":" + newTag);
                }
            }
        }
    }
}
