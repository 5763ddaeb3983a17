package dev.ingot.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.server.api.ApiException;
import dev.ingot.server.api.JsonCodec;
import dev.ingot.server.api.RegisterRequestParser;
import dev.ingot.server.input.WhipInputSpec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The control API's request bodies (Smelter's {@code POST /api/input/:id/register} and {@code .../unregister}):
 * {@link JsonCodec#parseBody} and {@link RegisterRequestParser} let only {@link ApiException} escape, with a 4xx
 * status, and its error body serializes; the input id check likewise.
 */
class ControlApiFuzzTest {
    @FuzzTest
    @DictionaryFile(resourcePath = "json.dict")
    void registerBody(byte[] data) {
        try {
            JsonNode body = JsonCodec.parseBody(data);
            WhipInputSpec spec = RegisterRequestParser.parse(body);
            assertThat(spec).isNotNull();
            spec.toString();
        } catch (ApiException e) {
            checkError(e);
        }
        try {
            RegisterRequestParser.parseUnregister(JsonCodec.parseBody(data));
        } catch (ApiException e) {
            checkError(e);
        }
        try {
            RegisterRequestParser.checkInputId(new String(data, StandardCharsets.UTF_8));
        } catch (ApiException e) {
            checkError(e);
        }
    }

    private static void checkError(ApiException e) {
        assertThat(e.status()).isBetween(400, 499);
        assertThat(e.errorCode()).isNotBlank();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", e.errorCode());
        body.put("message", e.getMessage());
        body.put("stack", e.stack());
        assertThat(JsonCodec.write(body)).isNotEmpty();
    }
}
