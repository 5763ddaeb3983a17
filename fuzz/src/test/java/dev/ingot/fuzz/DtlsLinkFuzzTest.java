package dev.ingot.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.rtc.dtls.DtlsHandshakeLink;
import dev.ingot.rtc.dtls.DtlsRole;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link DtlsHandshakeLink} takes whatever the network brings (it parses DTLS record and handshake headers to
 * order records) and whatever the engine writes. The fuzzer's bytes are a script: 0 a datagram from the peer, 1 the
 * engine takes a record, 2 the engine writes a datagram, 3 the engine waits (a flight ends), 4 time passes. Nothing
 * may throw; what reaches the engine is only bytes the peer sent; what goes to the network is only bytes the
 * engine wrote; the queues stay bounded.
 */
class DtlsLinkFuzzTest {
    @FuzzTest
    void link(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        DtlsHandshakeLink link = new DtlsHandshakeLink(in.bool() ? DtlsRole.CLIENT : DtlsRole.SERVER, 1200);
        ByteArrayOutputStream fromPeer = new ByteArrayOutputStream();
        ByteArrayOutputStream fromEngine = new ByteArrayOutputStream();
        long now = 0;
        int steps = 0;
        while (in.hasMore() && steps++ < 500) {
            switch (in.u8() % 5) {
                case 0 -> {
                    byte[] d = in.chunk();
                    fromPeer.writeBytes(d);
                    link.onDatagramReceived(d, 0, d.length, now);
                }
                case 1 -> {
                    byte[] r = link.pollRecordForEngine();
                    if (r != null) {
                        assertThat(contains(fromPeer.toByteArray(), r)).as("a record the peer sent").isTrue();
                    }
                }
                case 2 -> {
                    byte[] d = in.chunk();
                    fromEngine.writeBytes(d);
                    link.onEngineSent(d, 0, d.length);
                }
                case 3 -> link.onEngineWaiting(now);
                default -> {
                    now += in.u16() * 1_000_000L;
                    if (now >= link.nextTimeoutNanos()) {
                        link.handleTimeout(now);
                    }
                }
            }
            byte[] out;
            int sent = 0;
            while ((out = link.pollTransmit()) != null) {
                assertThat(out.length).isPositive();
                sent++;
            }
            assertThat(sent).as("datagrams out in one step").isLessThanOrEqualTo(1000);
        }
        assertThat(link.figures().datagramsSent()).isLessThanOrEqualTo(fromEngine.size() * 100L + 100);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void aReorderedFinishedIsHandedOverAfterItsChangeCipherSpec() {
        // as the client: the server's last flight, Finished (epoch 1) first, then the CCS (epoch 0)
        DtlsHandshakeLink link = new DtlsHandshakeLink(DtlsRole.CLIENT, 1200);
        byte[] finished = {22, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 9, 9};
        byte[] ccs = {20, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1, 1};
        link.onDatagramReceived(finished, 0, finished.length, 0);
        assertThat(link.pollRecordForEngine()).isNull();
        link.onDatagramReceived(ccs, 0, ccs.length, 1);
        assertThat(link.pollRecordForEngine()).isEqualTo(ccs);
        assertThat(link.pollRecordForEngine()).isEqualTo(finished);
    }
}
