package dev.ingot.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading one HTTP/1.1 response without waiting for the connection to close. */
class LoopbackHttpTest {
    private static ByteArrayInputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aResponseWithContentLengthEndsAfterItsBodyAndWhatFollowsIsLeft() throws Exception {
        ByteArrayInputStream in = bytes("HTTP/1.1 201 Created\r\nContent-Type: application/sdp\r\ncontent-length: 5\r\n\r\nv=0\r\nNEXT");
        assertThat(LoopbackHttp.readResponse(in)).isEqualTo(201);
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("NEXT");
    }

    @Test
    void aChunkedResponseEndsAfterItsLastChunkAndTrailers() throws Exception {
        ByteArrayInputStream in = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\nX-Trailer: y\r\n\r\nNEXT");
        assertThat(LoopbackHttp.readResponse(in)).isEqualTo(200);
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("NEXT");
    }

    @Test
    void aConnectionClosedBeforeTheHeadersEndIsAnError() {
        assertThatThrownBy(() -> LoopbackHttp.readResponse(bytes("HTTP/1.1 200 OK\r\nContent-Len")))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> LoopbackHttp.readResponse(bytes(""))).isInstanceOf(EOFException.class);
    }
}
