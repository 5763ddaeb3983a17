package dev.ingot.media.payload;

import java.util.List;

/**
 * A VP9 scalability structure (SS) from the RTP payload descriptor (RFC 9628 §4.2.1): the number of spatial
 * layers, their resolutions when the sender gave them (Y=1), and the picture group description (G=1).
 *
 * @param spatialLayers N_S + 1 (1..8)
 * @param resolutions one per spatial layer, lowest first; empty when Y=0
 * @param pictureGroup the pictures of the group (N_G entries); empty when G=0 or N_G=0
 */
public record Vp9ScalabilityStructure(int spatialLayers, List<Resolution> resolutions,
                                      List<GroupPicture> pictureGroup) {

    /** Width and height in pixels of one spatial layer. */
    public record Resolution(int width, int height) {
    }

    /**
     * One picture of the group: its temporal layer, switching up point flag, and reference picture id
     * differences.
     */
    public record GroupPicture(int temporalLayer, boolean switchingUpPoint, List<Integer> referenceDiffs) {
    }
}
