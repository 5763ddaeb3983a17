package dev.ingot.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * Draws results.png with plain Java 2D (headless, no extra dependency): CPU cores per stream against N,
 * with the FFmpeg decode bounds as dashed lines, and decoded frames per second per stream against N.
 */
final class ResultsPlot {
    private static final int W = 1100;
    private static final int H = 460;
    private static final Color INGOT = new Color(0xC0392B);
    private static final Color GST = new Color(0x2471A3);
    private static final Color BOUND = new Color(0x555555);

    private ResultsPlot() {
    }

    static void write(Path png, List<StepResult> results, DecodeBound.Result bound) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        List<Integer> ns = new ArrayList<>(new TreeSet<>(results.stream().map(StepResult::streams).toList()));
        List<double[]> cpuLines = new ArrayList<>();
        List<String> cpuLabels = new ArrayList<>();
        if (bound != null) {
            cpuLines.add(new double[] {bound.yuvCores()});
            cpuLabels.add(String.format(Locale.ROOT, "ffmpeg decode %.3f", bound.yuvCores()));
            cpuLines.add(new double[] {bound.rgbaCores()});
            cpuLabels.add(String.format(Locale.ROOT, "ffmpeg decode+RGBA %.3f", bound.rgbaCores()));
        }
        panel(g, 60, "CPU cores per stream", ns, results, StepResult::coresPerStream, cpuLines, cpuLabels);
        panel(g, 60 + W / 2, "decoded frames/s per stream", ns, results, StepResult::decodedFpsPerStream,
                List.<double[]>of(new double[] {Media.FPS}), List.of("sent: " + Media.FPS + " fps"));
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void panel(Graphics2D g, int x0, String title, List<Integer> ns, List<StepResult> results,
                              Function<StepResult, Double> value, List<double[]> refs, List<String> refLabels) {
        int pw = W / 2 - 100;
        int top = 50;
        int ph = H - 130;
        double max = 0;
        for (StepResult s : results) {
            Double v = value.apply(s);
            if (v != null) {
                max = Math.max(max, v);
            }
        }
        for (double[] r : refs) {
            max = Math.max(max, r[0]);
        }
        max = niceCeil(max <= 0 ? 1 : max * 1.1);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, x0, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(0xDDDDDD));
        for (int i = 0; i <= 5; i++) {
            int y = top + ph - i * ph / 5;
            g.drawLine(x0, y, x0 + pw, y);
        }
        g.setColor(Color.BLACK);
        g.drawLine(x0, top, x0, top + ph);
        g.drawLine(x0, top + ph, x0 + pw, top + ph);
        for (int i = 0; i <= 5; i++) {
            int y = top + ph - i * ph / 5;
            String label = format(max * i / 5);
            g.drawString(label, x0 - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        for (int i = 0; i < ns.size(); i++) {
            int x = xAt(x0, pw, i, ns.size());
            String label = "N=" + ns.get(i);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, top + ph + 18);
        }
        g.drawString("streams", x0 + pw / 2 - 20, top + ph + 36);
        float[] dash = {6f, 5f};
        for (int i = 0; i < refs.size(); i++) {
            int y = top + ph - (int) Math.round(refs.get(i)[0] / max * ph);
            g.setColor(BOUND);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, i * 3f));
            g.drawLine(x0, y, x0 + pw, y);
            g.setStroke(new BasicStroke(1f));
            g.drawString(refLabels.get(i), x0 + pw - g.getFontMetrics().stringWidth(refLabels.get(i)) - 4, y - 4);
        }
        int legendY = top + ph + 60;
        int lx = x0;
        for (String receiver : List.of("ingot", "gstreamer")) {
            Color c = receiver.equals("ingot") ? INGOT : GST;
            g.setColor(c);
            g.setStroke(new BasicStroke(2.5f));
            int prevX = -1;
            int prevY = -1;
            boolean any = false;
            for (int i = 0; i < ns.size(); i++) {
                StepResult s = Report.at(results, receiver, ns.get(i));
                Double v = s == null ? null : value.apply(s);
                if (v == null) {
                    prevX = -1;
                    continue;
                }
                any = true;
                int x = xAt(x0, pw, i, ns.size());
                int y = top + ph - (int) Math.round(v / max * ph);
                g.fillOval(x - 4, y - 4, 8, 8);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, x, y);
                }
                prevX = x;
                prevY = y;
            }
            g.setStroke(new BasicStroke(1f));
            boolean measured = results.stream().anyMatch(s -> s.receiver().equals(receiver));
            if (measured) {
                g.fillRect(lx, legendY - 9, 14, 10);
                g.setColor(Color.BLACK);
                String label = receiver + (any ? "" : " (n/a)");
                g.drawString(label, lx + 20, legendY);
                lx += 40 + g.getFontMetrics().stringWidth(label);
            }
        }
    }

    private static int xAt(int x0, int pw, int i, int count) {
        return x0 + (int) Math.round((i + 0.5) * pw / count);
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String format(double v) {
        return v >= 10 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
