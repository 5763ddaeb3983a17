package dev.ingot.rtc.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SDP text into type=value lines (RFC 8866 §5) and parses the small tokens inside them, with
 * hard limits so that no input can make the parser allocate without bound.
 */
final class SdpText {
    /** Largest SDP we read; real offers are 2–12 KiB. */
    static final int MAX_CHARS = 512 * 1024;
    /** Longest line we read; long sprop-parameter-sets lines stay well below this. */
    static final int MAX_LINE_CHARS = 8 * 1024;
    static final int MAX_LINES = 20_000;
    static final int MAX_MEDIA_SECTIONS = 1000;

    private SdpText() {}

    /** One {@code <type>=<value>} line; {@code number} is 1-based, for messages. */
    record Line(char type, String value, int number) {}

    static List<Line> lines(String text) throws SdpParseException {
        if (text == null) {
            throw new SdpParseException("no SDP");
        }
        if (text.length() > MAX_CHARS) {
            throw new SdpParseException("SDP longer than " + MAX_CHARS + " characters");
        }
        List<Line> out = new ArrayList<>();
        int n = text.length();
        int start = 0;
        int number = 0;
        while (start <= n) {
            int end = start;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            number++;
            if (end - start > MAX_LINE_CHARS) {
                throw new SdpParseException("line " + number + " longer than " + MAX_LINE_CHARS + " characters");
            }
            String raw = text.substring(start, end).strip();
            if (!raw.isEmpty()) {
                if (out.size() >= MAX_LINES) {
                    throw new SdpParseException("more than " + MAX_LINES + " lines");
                }
                out.add(line(raw, number));
            }
            // treat CRLF as one break, and LF or CR alone as a break too
            if (end < n && text.charAt(end) == '\r' && end + 1 < n && text.charAt(end + 1) == '\n') {
                end++;
            }
            start = end + 1;
        }
        return out;
    }

    private static Line line(String raw, int number) throws SdpParseException {
        if (raw.length() < 2 || raw.charAt(1) != '=') {
            throw new SdpParseException("line " + number + " is not <type>=<value>");
        }
        char type = raw.charAt(0);
        if (type < 'a' || type > 'z') {
            throw new SdpParseException("line " + number + " has invalid type '" + printable(type) + "'");
        }
        for (int i = 2; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new SdpParseException("line " + number + " contains a control character");
            }
        }
        return new Line(type, raw.substring(2).strip(), number);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    /** Splits on runs of spaces and tabs; never returns empty tokens. */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && isSpace(s.charAt(i))) {
                i++;
            }
            int b = i;
            while (i < n && !isSpace(s.charAt(i))) {
                i++;
            }
            if (i > b) {
                out.add(s.substring(b, i));
            }
        }
        return out;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /** Parses a decimal number of at most 19 digits in [min, max]; only ASCII digits, no sign. */
    static long parseLong(String s, long min, long max, String what) throws SdpParseException {
        if (s == null || s.isEmpty() || s.length() > 19) {
            throw new SdpParseException("invalid " + what + ": '" + clip(s) + "'");
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new SdpParseException("invalid " + what + ": '" + clip(s) + "'");
            }
            v = v * 10 + (c - '0');
            if (v > max) {
                throw new SdpParseException(what + " out of range: '" + clip(s) + "'");
            }
        }
        if (v < min) {
            throw new SdpParseException(what + " out of range: '" + clip(s) + "'");
        }
        return v;
    }

    static int parseInt(String s, int min, int max, String what) throws SdpParseException {
        return (int) parseLong(s, min, max, what);
    }

    /** Like {@link #parseInt} but returns -1 instead of throwing. */
    static int tryParseInt(String s, int min, int max) {
        try {
            return parseInt(s, min, max, "number");
        } catch (SdpParseException e) {
            return -1;
        }
    }

    /** Shortens text quoted in error messages. */
    static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /** True for a non-empty string of visible ASCII characters without spaces (an SDP token-ish value). */
    static boolean isVisibleToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Value of an ASCII hex digit, or -1. */
    static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
