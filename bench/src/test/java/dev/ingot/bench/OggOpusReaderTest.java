package dev.ingot.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OggOpusReaderTest {

    /** An Ogg page (RFC 3533 §6) holding the given packets, laced; CRC left zero (the reader does not check it). */
    private static byte[] page(byte[]... packets) {
        ByteArrayOutputStream lacing = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : packets) {
            int left = p.length;
            while (left >= 255) {
                lacing.write(255);
                left -= 255;
            }
            lacing.write(left);
            body.writeBytes(p);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("OggS".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[22]); // version, flags, granule, serial, sequence, CRC
        out.write(lacing.size());
        out.writeBytes(lacing.toByteArray());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    @Test
    void skipsHeadersAndJoinsPacketsLacedOver255Bytes() {
        byte[] head = "OpusHead\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1);
        byte[] tags = "OpusTags".getBytes(StandardCharsets.ISO_8859_1);
        byte[] a = new byte[300];
        a[0] = (byte) 0xFC; // CELT fullband 20 ms, one frame
        byte[] b = {(byte) 0x78, 1, 2}; // config 15: hybrid fullband 20 ms
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(page(head));
        file.writeBytes(page(tags));
        file.writeBytes(page(a, b));
        List<byte[]> packets = OggOpusReader.packets(file.toByteArray());
        assertThat(packets).hasSize(2);
        assertThat(packets.get(0)).isEqualTo(a);
        assertThat(packets.get(1)).isEqualTo(b);
        assertThat(OggOpusReader.samples48k(a)).isEqualTo(960);
        assertThat(OggOpusReader.samples48k(b)).isEqualTo(960);
        assertThat(OggOpusReader.samples48k(new byte[] {(byte) 0xF9})).isEqualTo(1920); // two 20 ms frames
    }

    @Test
    void rejectsAFileThatIsNotOggOpus() {
        assertThatThrownBy(() -> OggOpusReader.packets("not ogg at all, sorry!!!!!!!!".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
