package dev.ingot.server.api;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 request on a fresh connection, with as little client code as possible (a socket, the request
 * bytes, the response read to its end by Content-Length or chunks): for the start-up warm-up and the latency
 * benchmark, where a general client's own first-use costs would get in the way.
 */
public final class LoopbackHttp {
    private LoopbackHttp() {
    }

    /**
     * Sends the request and reads the whole response; returns its status code.
     *
     * @param contentType null for none
     * @param bearerToken null for no {@code Authorization} header
     */
    public static int exchange(String host, int port, String method, String path, String contentType,
            String bearerToken, byte[] body, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            StringBuilder h = new StringBuilder(256).append(method).append(' ').append(path)
                    .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
                    .append("\r\nConnection: close\r\nContent-Length: ").append(body.length).append("\r\n");
            if (contentType != null) {
                h.append("Content-Type: ").append(contentType).append("\r\n");
            }
            if (bearerToken != null) {
                h.append("Authorization: Bearer ").append(bearerToken).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(h.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return readResponse(new BufferedInputStream(s.getInputStream()));
        }
    }

    /** Reads one response (status line, headers, body) and returns its status; does not wait for the close. */
    static int readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        int status = statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12
                ? Integer.parseInt(statusLine.substring(9, 12)) : -1;
        long length = 0;
        boolean chunked = false;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon).trim();
            String value = colon < 0 ? "" : line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding")
                    && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(readLine(in).split(";")[0].trim(), 16)) > 0) {
                in.skipNBytes(size);
                readLine(in);
            }
            while (!readLine(in).isEmpty()) {
                // trailers
            }
        } else {
            in.skipNBytes(length);
        }
        return status;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        if (c < 0 && sb.isEmpty()) {
            throw new EOFException("connection closed before a full response");
        }
        return sb.toString();
    }
}
