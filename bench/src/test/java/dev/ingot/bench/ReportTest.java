package dev.ingot.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static StepResult step(String receiver, int n, double coresPerStream, Double fps, List<Double> posts,
                                   List<Double> firstFrames) {
        return new StepResult(receiver, n, n, 20, 0, coresPerStream * n, coresPerStream, 0, 0, 0, fps, fps, null,
                posts, List.of(), firstFrames, 0L, 0L, 0, 0, 0, "0 -> 0", null);
    }

    @Test
    void comparesCpuAtTheLargestStreamCountWhereGStreamerKeptUp() {
        List<StepResult> results = List.of(
                step("ingot", 1, 0.05, 30.0, List.of(5.0), List.of(200.0)),
                step("gstreamer", 1, 0.15, 30.0, List.of(), List.of()),
                step("ingot", 8, 0.04, 30.0, List.of(6.0), List.of(300.0)),
                step("gstreamer", 8, 0.05, 6.0, List.of(), List.of()));
        List<String> v = Report.verdicts(results, new DecodeBound.Result(0.03, 0.04, 600));
        assertThat(v).anySatisfy(line -> assertThat(line).startsWith("target: GStreamer").contains("3.00x at N=1 -> PASS"));
        assertThat(v).anySatisfy(line -> assertThat(line).startsWith("target: Ingot CPU/stream").contains("at N=8 -> PASS"));
        assertThat(v).anySatisfy(line -> assertThat(line).contains("POST->201 p99").endsWith("PASS"));
        assertThat(v).anySatisfy(line -> assertThat(line).contains("first decoded frame p50 < 400 ms: 200.0").endsWith("PASS"));
        assertThat(Report.marginalCores(results, "ingot")).isCloseTo((0.32 - 0.05) / 7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Report.marginalCores(results, "gstreamer")).isNull(); // N=8 fell behind: one point left
    }

    @Test
    void saysNotApplicableWhileIngotReportsNoDecodedFrames() {
        List<StepResult> results = List.of(
                step("ingot", 2, 0.01, null, List.of(30.0), List.of()),
                step("gstreamer", 2, 0.15, 30.0, List.of(), List.of()));
        List<String> v = Report.verdicts(results, new DecodeBound.Result(0.03, 0.04, 600));
        assertThat(v).filteredOn(line -> line.contains("CPU/stream")).hasSize(2).allSatisfy(line -> assertThat(line).contains("n/a"));
        assertThat(v).anySatisfy(line -> assertThat(line).contains("POST->201 p99").endsWith("FAIL"));
        assertThat(v).anySatisfy(line -> assertThat(line).contains("first decoded frame").contains("n/a"));
    }
}
