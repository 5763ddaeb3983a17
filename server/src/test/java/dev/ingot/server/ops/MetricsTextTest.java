package dev.ingot.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingot.server.ops.MetricsText.Type;
import org.junit.jupiter.api.Test;

class MetricsTextTest {
    @Test
    void writesHelpAndTypeOnceBeforeTheFamilysSamples() {
        String text = new MetricsText()
                .add("a_total", Type.COUNTER, "A things.", 3, "k", "x")
                .add("b", Type.GAUGE, "B.", 1.5)
                .add("a_total", Type.COUNTER, "A things.", 4, "k", "y")
                .render();
        assertThat(text).isEqualTo("""
                # HELP a_total A things.
                # TYPE a_total counter
                a_total{k="x"} 3
                a_total{k="y"} 4
                # HELP b B.
                # TYPE b gauge
                b 1.5
                """);
        assertThat(ExpositionFormat.check(text)).isEmpty();
    }

    @Test
    void escapesLabelValuesAndHelpText() {
        String text = new MetricsText().add("m", Type.GAUGE, "line\\one\nline two", 1,
                "v", "back\\slash \"quoted\"\nnewline").render();
        assertThat(text).contains("# HELP m line\\\\one\\nline two\n");
        assertThat(text).contains("m{v=\"back\\\\slash \\\"quoted\\\"\\nnewline\"} 1\n");
        assertThat(ExpositionFormat.check(text)).isEmpty();
    }

    @Test
    void theSameSeriesTwiceKeepsOnlyTheLastValue() {
        String text = new MetricsText().add("m", Type.GAUGE, "h", 1, "a", "1").add("m", Type.GAUGE, "h", 2, "a", "1")
                .render();
        assertThat(text.lines().filter(l -> l.startsWith("m{"))).containsExactly("m{a=\"1\"} 2");
    }

    @Test
    void formatsSpecialValuesAsPrometheusDoes() {
        assertThat(MetricsText.formatValue(Double.NaN)).isEqualTo("NaN");
        assertThat(MetricsText.formatValue(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(MetricsText.formatValue(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(MetricsText.formatValue(42)).isEqualTo("42");
        assertThat(MetricsText.formatValue(-1)).isEqualTo("-1");
        assertThat(MetricsText.formatValue(0.25)).isEqualTo("0.25");
        assertThat(MetricsText.formatValue(1e20)).isEqualTo("1.0E20");
    }

    @Test
    void rejectsBadNamesOddLabelListsAndTypeChanges() {
        MetricsText m = new MetricsText().add("ok", Type.GAUGE, "h", 1);
        assertThatThrownBy(() -> m.add("1bad", Type.GAUGE, "h", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.add("bad-name", Type.GAUGE, "h", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.add("x", Type.GAUGE, "h", 1, "only_name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.add("x", Type.GAUGE, "h", 1, "bad-label", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.add("x", Type.GAUGE, "h", 1, "__reserved", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.add("ok", Type.COUNTER, "h", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sanitizesJsonFieldNamesIntoMetricNames() {
        assertThat(MetricsText.sanitize("decoded_fps")).isEqualTo("decoded_fps");
        assertThat(MetricsText.sanitize("a.b-c d")).isEqualTo("a_b_c_d");
        assertThat(MetricsText.sanitize("10s")).isEqualTo("_10s");
    }
}
