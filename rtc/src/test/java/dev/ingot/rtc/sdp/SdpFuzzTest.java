package dev.ingot.rtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Randomized robustness: on arbitrary and mutated input the parsers throw only SdpParseException, and
 * negotiation of whatever parses throws only OfferRejectedException; an accepted mutated offer still
 * yields an answer that re-parses. Seeds are fixed, so failures reproduce.
 */
class SdpFuzzTest {
    private static final String[] TOKENS = {"v=0", "m=", "a=", "c=", "\r\n", "\n", "\r", " ", ":", "/", ";", "=",
        "rtpmap:", "fmtp:", "candidate:", "fingerprint:", "setup:", "mid:", "group:BUNDLE", "extmap:", "ssrc:",
        "ssrc-group:FID", "rtcp-fb:", "apt=", "96", "0", "-1", "4294967296", "99999999999999999999", "H264/90000",
        "opus/48000/2", "typ", "host", "UDP/TLS/RTP/SAVPF", "video", "audio", "bundle-only", "\u0000", "\u00ff",
        "\uD83D\uDE00", "ice-ufrag:x", "ice-pwd:y"};

    @Test
    void randomBytesOnlyEverThrowSdpParseException() {
        SplittableRandom rnd = new SplittableRandom(0x5D9);
        for (int i = 0; i < 10_000; i++) {
            byte[] b = new byte[rnd.nextInt(300)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) rnd.nextInt(256);
            }
            String s = (rnd.nextBoolean() ? "v=0\n" : "") + new String(b, StandardCharsets.ISO_8859_1);
            exercise(s);
        }
    }

    @Test
    void randomTokenSoupOnlyEverThrowsSdpParseException() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            StringBuilder sb = new StringBuilder("v=0\n");
            int n = rnd.nextInt(60);
            for (int j = 0; j < n; j++) {
                sb.append(TOKENS[rnd.nextInt(TOKENS.length)]);
            }
            exercise(sb.toString());
        }
    }

    @Test
    void mutatedRealOffersOnlyEverThrowDeclaredExceptions() {
        List<String> corpus = Offers.corpus().map(Offers::read).toList();
        SplittableRandom rnd = new SplittableRandom(7);
        int accepted = 0;
        for (int i = 0; i < 3_000; i++) {
            String base = corpus.get(rnd.nextInt(corpus.size()));
            String mutated = mutate(base, rnd);
            if (exercise(mutated)) {
                accepted++;
            }
        }
        assertThat(accepted).as("some mutated offers are still accepted").isPositive();
    }

    /** Returns true when the text parsed and was accepted. */
    private static boolean exercise(String text) {
        try {
            TrickleFragment f = TrickleFragment.parse(text);
            f.write();
            f.isIceRestart("a", "b");
        } catch (SdpParseException expected) {
            // fine
        }
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(text);
        } catch (SdpParseException expected) {
            return false;
        }
        try {
            NegotiatedSession s = OfferNegotiation.negotiate(offer, Offers.any(), Offers.local());
            SessionDescription.parse(s.answerSdp());
            TrickleFragment.parse(s.iceRestartAnswer(Offers.local()));
            return true;
        } catch (OfferRejectedException expected) {
            return false;
        } catch (SdpParseException e) {
            throw new AssertionError("our own answer does not parse for offer:\n" + text, e);
        }
    }

    private static String mutate(String base, SplittableRandom rnd) {
        List<String> lines = new ArrayList<>(Arrays.asList(base.split("\n")));
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int idx = rnd.nextInt(lines.size());
            String line = lines.get(idx);
            switch (rnd.nextInt(7)) {
                case 0 -> lines.remove(idx);
                case 1 -> lines.add(rnd.nextInt(lines.size() + 1), line);
                case 2 -> lines.set(idx, line.substring(0, rnd.nextInt(line.length() + 1)));
                case 3 -> {
                    if (!line.isEmpty()) {
                        char[] c = line.toCharArray();
                        c[rnd.nextInt(c.length)] = (char) rnd.nextInt(128);
                        lines.set(idx, new String(c));
                    }
                }
                case 4 -> lines.set(idx, line + " " + TOKENS[rnd.nextInt(TOKENS.length)]);
                case 5 -> lines.set(idx, line.replaceAll("[0-9]+", String.valueOf(rnd.nextInt(-5, 70000))));
                default -> {
                    int other = rnd.nextInt(lines.size());
                    lines.set(idx, lines.get(other));
                    lines.set(other, line);
                }
            }
        }
        return String.join(rnd.nextBoolean() ? "\n" : "\r\n", lines);
    }
}
