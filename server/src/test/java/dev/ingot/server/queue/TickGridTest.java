package dev.ingot.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.server.config.Framerate;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TickGridTest {
    private static long exact(long n, int num, int den) {
        return BigInteger.valueOf(n).multiply(BigInteger.valueOf(1_000_000_000L * den))
                .divide(BigInteger.valueOf(num)).longValueExact();
    }

    @Test
    void tickPtsAreExactForNtscRatesWithoutAccumulatedRounding() {
        TickGrid grid = new TickGrid(new Framerate(30000, 1001));
        for (long n = 0; n < 200_000; n++) {
            assertThat(grid.pts(n)).isEqualTo(exact(n, 30000, 1001));
        }
        // a year of ticks: still exact, no overflow
        long year = 365L * 24 * 3600 * 30;
        assertThat(grid.pts(year)).isEqualTo(exact(year, 30000, 1001));
        // the rounded-down tick length would have drifted by then
        assertThat(year * new Framerate(30000, 1001).tickNanos()).isNotEqualTo(grid.pts(year));
    }

    @Test
    void searchesAgreeWithTheGrid() {
        Random r = new Random(7);
        for (Framerate f : new Framerate[] {new Framerate(30, 1), new Framerate(30000, 1001), new Framerate(24, 1),
                new Framerate(60, 1), new Framerate(7, 3)}) {
            TickGrid grid = new TickGrid(f);
            for (int i = 0; i < 20_000; i++) {
                long pts = r.nextLong(-1_000_000_000L, 100_000_000_000L);
                long first = grid.firstAtOrAfter(pts);
                assertThat(grid.pts(first)).isGreaterThanOrEqualTo(pts);
                if (first > 0) {
                    assertThat(grid.pts(first - 1)).isLessThan(pts);
                }
                long last = grid.lastAtOrBefore(pts);
                if (pts < 0) {
                    assertThat(last).isEqualTo(-1);
                } else {
                    assertThat(grid.pts(last)).isLessThanOrEqualTo(pts);
                    assertThat(grid.pts(last + 1)).isGreaterThan(pts);
                }
                long to = pts + r.nextLong(0, 100_000_000L);
                boolean any = false;
                for (long n = Math.max(0, first - 1); n <= first + 10; n++) {
                    any |= grid.pts(n) >= pts && grid.pts(n) < to;
                }
                assertThat(grid.anyTickIn(pts, to)).as("%d..%d", pts, to).isEqualTo(any);
            }
        }
    }

    @Test
    void sampleIndicesPartitionTheSamplesBetweenTicks() {
        TickGrid grid = new TickGrid(new Framerate(30000, 1001));
        long total = 0;
        for (long n = 0; n < 30_000; n++) {
            long a = TickGrid.sampleIndex(grid.pts(n), 48_000);
            long b = TickGrid.sampleIndex(grid.pts(n + 1), 48_000);
            assertThat(b - a).isBetween(1601L, 1602L);
            total += b - a;
        }
        // 30000 ticks of 1001/30000 s = 1001 s of audio
        assertThat(total).isEqualTo(1001L * 48_000);
        assertThat(TickGrid.sampleIndex(-1_000_000_000L, 48_000)).isEqualTo(-48_000);
        assertThat(TickGrid.sampleNanos(48_000L * 86_400 * 365, 48_000)).isEqualTo(86_400L * 365 * 1_000_000_000L);
    }
}
