package dev.ingot.rtc.feedback;

/** What {@link KeyframeRequester#pollRequest} decided: send nothing, a PLI (RFC 4585 §6.3.1) or a FIR (RFC 5104 §4.3.1). */
public sealed interface KeyframeRequest permits KeyframeRequest.None, KeyframeRequest.Pli, KeyframeRequest.Fir {
    /** Nothing to send now. */
    None NONE = new None();
    /** Send a Picture Loss Indication. */
    Pli PLI = new Pli();

    /** Nothing to send now. */
    record None() implements KeyframeRequest {}

    /** Send a Picture Loss Indication for the media SSRC. */
    record Pli() implements KeyframeRequest {}

    /**
     * Send a Full Intra Request with this FCI "Seq nr." (RFC 5104 §4.3.1.1).
     *
     * @param sequenceNumber the command sequence number, 0..255
     */
    record Fir(int sequenceNumber) implements KeyframeRequest {
        public Fir {
            if (sequenceNumber < 0 || sequenceNumber > 255) {
                throw new IllegalArgumentException("FIR sequence number must be 0..255");
            }
        }
    }
}
