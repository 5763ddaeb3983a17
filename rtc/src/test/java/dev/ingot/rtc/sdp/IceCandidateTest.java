package dev.ingot.rtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class IceCandidateTest {

    @Test
    void parsesServerReflexiveWithRelatedAddressAndExtensions() throws Exception {
        IceCandidate c = IceCandidate.parse(
                "842163049 1 udp 1677729535 203.0.113.7 56327 typ srflx raddr 192.168.1.20 rport 56327 generation 0");
        assertThat(c.type()).isEqualTo("srflx");
        assertThat(c.relatedAddress()).contains("192.168.1.20");
        assertThat(c.relatedPort()).isEqualTo(OptionalInt.of(56327));
        assertThat(c.extensions()).containsExactly(java.util.Map.entry("generation", "0"));
        assertThat(IceCandidate.parse(c.sdpValue())).isEqualTo(c);
    }

    @Test
    void parsesMdnsHostnames() throws Exception {
        IceCandidate c = IceCandidate.parse("1 1 UDP 2122262783 9b36eaac-bb2e-49bb-bb78-21c41c499900.local 58481 typ host");
        assertThat(c.address()).isEqualTo("9b36eaac-bb2e-49bb-bb78-21c41c499900.local");
        assertThat(c.transport()).isEqualTo("udp");
    }

    @Test
    void writesHostCandidatesWithTcptypePassiveForTcp() {
        assertThat(IceCandidate.host("1", "udp", 2130706431L, "127.0.0.1", 40000).attributeLine())
                .isEqualTo("a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host");
        assertThat(IceCandidate.host("2", "TCP", 1518280447L, "127.0.0.1", 40001).attributeLine())
                .isEqualTo("a=candidate:2 1 tcp 1518280447 127.0.0.1 40001 typ host tcptype passive");
    }

    @Test
    void rejectsBadFieldsWithParseException() {
        for (String bad : new String[] {"1 0 udp 1 1.2.3.4 5 typ host", "1 1 udp 1 1.2.3.4 5 type host",
            "1 1 udp x 1.2.3.4 5 typ host", "1 1 udp 1 1.2.3.4 5 typ host rport x", "1 1 udp 1 1.2.3.\u00e9 5 typ host",
            "x".repeat(65) + " 1 udp 1 1.2.3.4 5 typ host"}) {
            assertThatThrownBy(() -> IceCandidate.parse(bad)).as(bad).isInstanceOf(SdpParseException.class);
        }
    }

    @Test
    void fingerprintParsesWritesAndCompares() throws Exception {
        Fingerprint f = Fingerprint.parse("SHA-256 ab:CD:01");
        assertThat(f.hashFunction()).isEqualTo("sha-256");
        assertThat(f.sdpValue()).isEqualTo("sha-256 AB:CD:01");
        assertThat(f.jcaAlgorithm()).isEqualTo("SHA-256");
        assertThat(f.matches("sha-256", new byte[] {(byte) 0xab, (byte) 0xcd, 1})).isTrue();
        assertThat(f.matches("sha-1", new byte[] {(byte) 0xab, (byte) 0xcd, 1})).isFalse();
        assertThat(f).isEqualTo(Fingerprint.parse("sha-256 AB:CD:01"));
        byte[] d = f.digest();
        d[0] = 0;
        assertThat(f.digest()[0]).isEqualTo((byte) 0xab);
    }
}
