package dev.ingot.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class JpegThumbnailTest {
    /** Four quadrants: red, green / blue, white. */
    private static byte[] quadrants(int w, int h) {
        byte[] rgba = new byte[w * h * 4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 4;
                boolean right = x >= w / 2;
                boolean bottom = y >= h / 2;
                int r = !bottom && !right || bottom && right ? 255 : 0;
                int g = !bottom && right || bottom && right ? 255 : 0;
                int b = bottom ? 255 : 0;
                rgba[i] = (byte) r;
                rgba[i + 1] = (byte) g;
                rgba[i + 2] = (byte) b;
                rgba[i + 3] = (byte) 255;
            }
        }
        return rgba;
    }

    private static BufferedImage decode(byte[] jpeg) throws IOException {
        assertThat(jpeg).startsWith((byte) 0xFF, (byte) 0xD8); // SOI
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(img).isNotNull();
        return img;
    }

    private static void assertColor(BufferedImage img, int x, int y, int rgb) {
        int p = img.getRGB(x, y);
        for (int shift : new int[] {16, 8, 0}) {
            assertThat((p >> shift) & 0xff).as("channel >>%d at %d,%d of %06x", shift, x, y, p & 0xffffff)
                    .isCloseTo((rgb >> shift) & 0xff, org.assertj.core.data.Offset.offset(24));
        }
    }

    @Test
    void scales720pDownTo320WideKeepingColoursWhereTheyWere() throws IOException {
        BufferedImage img = decode(JpegThumbnail.encode(1280, 720, quadrants(1280, 720), 320));
        assertThat(img.getWidth()).isEqualTo(320);
        assertThat(img.getHeight()).isEqualTo(180);
        assertColor(img, 40, 40, 0xff0000);
        assertColor(img, 280, 40, 0x00ff00);
        assertColor(img, 40, 140, 0x0000ff);
        assertColor(img, 280, 140, 0xffffff);
    }

    @Test
    void neverScalesUp() throws IOException {
        BufferedImage img = decode(JpegThumbnail.encode(160, 90, quadrants(160, 90), 320));
        assertThat(img.getWidth()).isEqualTo(160);
        assertThat(img.getHeight()).isEqualTo(90);
    }

    @Test
    void averagesTheSourcePixelsEachThumbnailPixelCovers() {
        // 4x1 black-white-black-white to 2x1: each output pixel is the mean of one black and one white
        byte[] rgba = new byte[16];
        for (int x = 1; x < 4; x += 2) {
            rgba[x * 4] = rgba[x * 4 + 1] = rgba[x * 4 + 2] = (byte) 255;
        }
        int[] out = new int[2];
        JpegThumbnail.scale(4, 1, rgba, 2, 1, out);
        assertThat(out).containsExactly(0x808080, 0x808080);
    }

    @Test
    void oddSizesAndExtremeAspectRatiosWork() throws IOException {
        assertThat(JpegThumbnail.scaledSize(641, 1, 320)).containsExactly(320, 1);
        assertThat(JpegThumbnail.scaledSize(1920, 1080, 320)).containsExactly(320, 180);
        assertThat(JpegThumbnail.scaledSize(1000, 3000, 320)).containsExactly(320, 960);
        BufferedImage img = decode(JpegThumbnail.encode(641, 3, quadrants(641, 3), 320));
        assertThat(img.getWidth()).isEqualTo(320);
    }

    @Test
    void rejectsTooFewBytes() {
        assertThatThrownBy(() -> JpegThumbnail.encode(10, 10, new byte[399], 320))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JpegThumbnail.encode(0, 10, new byte[0], 320))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
