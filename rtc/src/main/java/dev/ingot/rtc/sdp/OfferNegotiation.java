package dev.ingot.rtc.sdp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Answers a WHIP publisher's offer (RFC 9725 §4.2, SDP offer/answer per RFC 3264 and JSEP RFC 8829
 * §5.3): accepts at most one video section with exactly one payload type (the first resolved decoder
 * preference the offer has, plus its RTX) and at most one Opus 48000/2 audio section, both
 * {@code recvonly} on one BUNDLE transport (RFC 9143); every other section is echoed with port 0.
 */
public final class OfferNegotiation {
    /** rtcp-fb values accepted for video, in answer order. */
    static final List<String> VIDEO_FEEDBACK = List.of("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc");
    /** NACK for audio is useless; only bandwidth feedback is accepted. */
    static final List<String> AUDIO_FEEDBACK = List.of("transport-cc");
    private static final Set<String> NOT_CODECS = Set.of("rtx", "red", "ulpfec", "flexfec-03", "flexfec");
    private static final int VIDEO_CLOCK = 90_000;

    private OfferNegotiation() {}

    /**
     * Negotiates the answer.
     *
     * @param offer the publisher's offer
     * @param preferences resolved decoder preferences, most preferred first
     * @param local our ICE credentials, DTLS fingerprint and candidates
     * @throws OfferRejectedException when the offer is valid SDP that Ingot cannot accept
     */
    public static NegotiatedSession negotiate(SessionDescription offer, List<VideoCodecChoice> preferences,
            LocalTransport local) throws OfferRejectedException {
        List<MediaDescription> media = offer.media();
        List<Integer> videoSections = new ArrayList<>();
        List<Integer> audioSections = new ArrayList<>();
        boolean sawOtherProfile = false;
        for (int i = 0; i < media.size(); i++) {
            MediaDescription m = media.get(i);
            if (m.kind() != MediaKind.AUDIO && m.kind() != MediaKind.VIDEO) {
                continue;
            }
            if (!m.isSecureAvpf()) {
                sawOtherProfile = true;
                continue;
            }
            // RFC 9143 §7.2: port 0 with bundle-only is a live member of the BUNDLE group.
            boolean enabled = m.port() != 0
                    || (m.bundleOnly() && m.mid().flatMap(offer::bundleGroupOf).isPresent());
            if (enabled && m.direction().sends()) {
                (m.kind() == MediaKind.VIDEO ? videoSections : audioSections).add(i);
            }
        }

        NegotiatedVideo video = null;
        choices:
        for (VideoCodecChoice choice : preferences) {
            for (int i : videoSections) {
                Optional<NegotiatedVideo> v = acceptVideo(i, media.get(i), choice);
                if (v.isPresent()) {
                    video = v.get();
                    break choices;
                }
            }
        }
        if (video == null && !videoSections.isEmpty()) {
            throw new OfferRejectedException(OfferRejectedException.Reason.NO_COMMON_VIDEO_CODEC,
                    "offer has " + describeOffered(media, videoSections) + "; accepted: "
                            + describeAccepted(preferences));
        }
        NegotiatedAudio audio = null;
        for (int i : audioSections) {
            Optional<NegotiatedAudio> a = acceptAudio(i, media.get(i));
            if (a.isPresent()) {
                audio = a.get();
                break;
            }
        }
        if (video == null && audio == null) {
            if (sawOtherProfile) {
                throw new OfferRejectedException(OfferRejectedException.Reason.NOT_RTP_SAVPF,
                        "offer has no audio or video section with UDP/TLS/RTP/SAVPF (DTLS-SRTP); offered: "
                                + media.stream().map(m -> m.media() + " " + m.proto()).collect(Collectors.joining(", ")));
            }
            String audioOffered = audioSections.isEmpty() ? "no audio sent to us"
                    : "audio " + describeOffered(media, audioSections);
            throw new OfferRejectedException(OfferRejectedException.Reason.NO_MEDIA,
                    "offer sends no media this server can receive (" + audioOffered
                            + ", no video sent to us); accepted: audio opus/48000/2, video "
                            + describeAccepted(preferences));
        }

        // BUNDLE: one transport for everything accepted.
        List<Integer> accepted = new ArrayList<>();
        if (video != null) {
            accepted.add(video.sectionIndex());
        }
        if (audio != null) {
            accepted.add(audio.sectionIndex());
        }
        accepted.sort(Comparator.naturalOrder());
        Optional<Group> group = media.get(accepted.get(0)).mid().flatMap(offer::bundleGroupOf);
        if (accepted.size() == 2) {
            Optional<String> otherMid = media.get(accepted.get(1)).mid();
            if (group.isEmpty() || otherMid.isEmpty() || !group.get().mids().contains(otherMid.get())) {
                throw new OfferRejectedException(OfferRejectedException.Reason.NOT_BUNDLED,
                        "offer's audio and video are not in one a=group:BUNDLE; this server receives all media"
                                + " on one transport");
            }
        }
        List<String> bundleMids = new ArrayList<>();
        if (group.isPresent()) {
            for (String mid : group.get().mids()) {
                for (int i : accepted) {
                    if (media.get(i).mid().filter(mid::equals).isPresent() && !bundleMids.contains(mid)) {
                        bundleMids.add(mid);
                    }
                }
            }
        }

        // Transport attributes: accepted sections (tagged first), then the rest of their BUNDLE group,
        // then session level.
        List<MediaDescription> transportOrder = new ArrayList<>();
        for (String mid : bundleMids) {
            offer.mediaWithMid(mid).ifPresent(transportOrder::add);
        }
        for (int i : accepted) {
            if (!transportOrder.contains(media.get(i))) {
                transportOrder.add(media.get(i));
            }
        }
        group.ifPresent(g -> g.mids().forEach(mid -> offer.mediaWithMid(mid)
                .filter(m -> !transportOrder.contains(m)).ifPresent(transportOrder::add)));

        Optional<String> ufrag = firstOf(transportOrder, MediaDescription::iceUfrag).or(offer::iceUfrag);
        Optional<String> pwd = firstOf(transportOrder, MediaDescription::icePwd).or(offer::icePwd);
        if (ufrag.isEmpty() || pwd.isEmpty()) {
            throw new OfferRejectedException(OfferRejectedException.Reason.NO_ICE_CREDENTIALS,
                    "offer has no a=ice-ufrag/a=ice-pwd");
        }
        List<Fingerprint> fingerprints = firstOf(transportOrder,
                m -> m.fingerprints().isEmpty() ? Optional.empty() : Optional.of(m.fingerprints()))
                .orElse(offer.fingerprints());
        if (fingerprints.isEmpty()) {
            throw new OfferRejectedException(OfferRejectedException.Reason.NO_DTLS_FINGERPRINT,
                    "offer has no a=fingerprint; DTLS-SRTP needs the publisher's certificate fingerprint");
        }
        Setup remoteSetup = firstOf(transportOrder, MediaDescription::setup).or(offer::setup).orElse(Setup.ACTPASS);
        Setup localSetup;
        DtlsRole role;
        switch (remoteSetup) {
            case ACTPASS, ACTIVE -> {
                localSetup = Setup.PASSIVE;
                role = DtlsRole.SERVER;
            }
            case PASSIVE -> {
                localSetup = Setup.ACTIVE;
                role = DtlsRole.CLIENT;
            }
            default -> throw new OfferRejectedException(OfferRejectedException.Reason.UNSUPPORTED_DTLS_SETUP,
                    "offer has a=setup:" + remoteSetup.sdpName() + "; expected actpass, active or passive");
        }
        List<String> iceOptions = new ArrayList<>(offer.iceOptions());
        firstOf(transportOrder, m -> m.iceOptions().isEmpty() ? Optional.empty() : Optional.of(m.iceOptions()))
                .ifPresent(opts -> opts.stream().filter(o -> !iceOptions.contains(o)).forEach(iceOptions::add));
        LinkedHashSet<IceCandidate> candidates = new LinkedHashSet<>();
        for (MediaDescription m : transportOrder) {
            candidates.addAll(m.candidates());
        }

        String answer = AnswerWriter.write(offer, video, audio, bundleMids, localSetup, local);
        boolean reducedSize = media.get(video != null ? video.sectionIndex() : audio.sectionIndex()).rtcpRsize();
        return new NegotiatedSession(answer, role, localSetup, ufrag.get(), pwd.get(), iceOptions, fingerprints,
                List.copyOf(candidates), bundleMids, Optional.ofNullable(video), Optional.ofNullable(audio), local,
                reducedSize, isFfmpegWhipMuxer(offer));
    }

    /**
     * FFmpeg's WHIP muxer (libavformat/whip.c) writes its offer from a fixed template whose origin line is
     * {@code o=FFmpeg <session id> 2 IN IP4 127.0.0.1}: the user name "FFmpeg" identifies it. No other publisher
     * seen uses it (Chromium, Safari and GStreamer write "-", OBS's libdatachannel "rtc").
     */
    static boolean isFfmpegWhipMuxer(SessionDescription offer) {
        return offer.origin().map(o -> o.split(" ", 2)[0].equals("FFmpeg")).orElse(false);
    }

    private static <T> Optional<T> firstOf(List<MediaDescription> sections,
            Function<MediaDescription, Optional<T>> f) {
        for (MediaDescription m : sections) {
            Optional<T> v = f.apply(m);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    static Optional<NegotiatedVideo> acceptVideo(int index, MediaDescription m, VideoCodecChoice choice) {
        int chosen = switch (choice.codec()) {
            case H264 -> chooseH264(m, choice);
            case VP8 -> firstPayloadType(m, rtp -> rtp.isEncoding("VP8") && rtp.clockRate() == VIDEO_CLOCK);
            case VP9 -> firstPayloadType(m, rtp -> rtp.isEncoding("VP9") && rtp.clockRate() == VIDEO_CLOCK
                    && m.fmtp(rtp.payloadType()).flatMap(f -> f.parameter("profile-id")).map(String::strip)
                            .orElse("0").equals("0"));
            case H265 -> bestPayloadType(m, "H265", pt -> {
                H265Format f = H265Format.of(m.fmtp(pt).orElse(Fmtp.empty(pt)));
                // Main before Main 10, payloads without DONL fields before those with them
                return f.supportedProfile() ? f.profileId() * 2 + (f.donlPresent() ? 1 : 0) : -1;
            });
            case AV1 -> bestPayloadType(m, "AV1", pt -> {
                Av1Format f = Av1Format.of(m.fmtp(pt).orElse(Fmtp.empty(pt)));
                return f.supportedProfile() ? f.profile() : -1;
            });
        };
        if (chosen < 0) {
            return Optional.empty();
        }
        RtpMap map = m.rtpMaps().get(chosen);
        int rtx = -1;
        for (int pt : m.payloadTypes()) {
            RtpMap r = m.rtpMaps().get(pt);
            if (r != null && r.isEncoding("rtx") && r.clockRate() == map.clockRate()
                    && m.fmtp(pt).map(Fmtp::apt).orElse(-1) == chosen) {
                rtx = pt;
                break;
            }
        }
        return Optional.of(new NegotiatedVideo(m.mid(), index, m.proto(), choice.codec(), chosen, map.clockRate(),
                m.fmtp(chosen).orElse(Fmtp.empty(chosen)), rtx, acceptedFeedback(m, chosen, VIDEO_FEEDBACK),
                acceptedExtensions(m), remoteStreams(m)));
    }

    /** Prefers packetization-mode 1, then the most widely decodable profile, then offer order. */
    private static int chooseH264(MediaDescription m, VideoCodecChoice choice) {
        return bestPayloadType(m, "H264", pt -> {
            H264Format f = H264Format.of(m.fmtp(pt).orElse(Fmtp.empty(pt)));
            if (f.profile().isEmpty() || !choice.accepts(f.profile().get()) || !f.supportedPacketization()) {
                return -1;
            }
            return (f.packetizationMode() == 1 ? 0 : 100) + f.profile().get().ordinal();
        });
    }

    /**
     * The payload type of {@code encoding} at 90 kHz with the lowest rank (ties: offer order); a negative rank
     * means the format is not accepted.
     */
    private static int bestPayloadType(MediaDescription m, String encoding, java.util.function.IntUnaryOperator rank) {
        int best = -1;
        int bestRank = Integer.MAX_VALUE;
        for (int pt : m.payloadTypes()) {
            RtpMap r = m.rtpMaps().get(pt);
            if (r == null || !r.isEncoding(encoding) || r.clockRate() != VIDEO_CLOCK) {
                continue;
            }
            int k = rank.applyAsInt(pt);
            if (k >= 0 && k < bestRank) {
                bestRank = k;
                best = pt;
            }
        }
        return best;
    }

    private static int firstPayloadType(MediaDescription m, java.util.function.Predicate<RtpMap> ok) {
        for (int pt : m.payloadTypes()) {
            RtpMap r = m.rtpMaps().get(pt);
            if (r != null && ok.test(r)) {
                return pt;
            }
        }
        return -1;
    }

    static Optional<NegotiatedAudio> acceptAudio(int index, MediaDescription m) {
        int pt = firstPayloadType(m, r -> r.isEncoding("opus") && r.clockRate() == NegotiatedAudio.CLOCK_RATE
                && r.channels() == NegotiatedAudio.CHANNELS);
        if (pt < 0) {
            return Optional.empty();
        }
        return Optional.of(new NegotiatedAudio(m.mid(), index, m.proto(), pt, m.fmtp(pt).orElse(Fmtp.empty(pt)),
                acceptedFeedback(m, pt, AUDIO_FEEDBACK), acceptedExtensions(m), remoteStreams(m)));
    }

    private static Set<String> acceptedFeedback(MediaDescription m, int pt, List<String> allowed) {
        Set<String> offered = new LinkedHashSet<>();
        for (RtcpFeedback fb : m.rtcpFeedbackFor(pt)) {
            offered.add(fb.value());
        }
        Set<String> out = new LinkedHashSet<>();
        for (String a : allowed) {
            if (offered.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The offered extmap entries Ingot reads, with the offered ids (RFC 8285 §7: the answer keeps ids). */
    static List<ExtMap> acceptedExtMaps(MediaDescription m) {
        Map<String, ExtMap> byUri = new LinkedHashMap<>();
        Set<Integer> ids = new LinkedHashSet<>();
        for (ExtMap e : m.extMaps()) {
            boolean publisherSends = e.direction().map(Direction::sends).orElse(true);
            if (HeaderExtensions.isSupported(e.uri()) && e.id() <= 255 && publisherSends
                    && !byUri.containsKey(e.uri()) && ids.add(e.id())) {
                byUri.put(e.uri(), e);
            }
        }
        return List.copyOf(byUri.values());
    }

    private static HeaderExtensions acceptedExtensions(MediaDescription m) {
        int mid = -1;
        int abs = -1;
        int twcc = -1;
        for (ExtMap e : acceptedExtMaps(m)) {
            switch (e.uri()) {
                case HeaderExtensions.SDES_MID -> mid = e.id();
                case HeaderExtensions.ABS_SEND_TIME -> abs = e.id();
                case HeaderExtensions.TRANSPORT_WIDE_CC -> twcc = e.id();
                default -> { }
            }
        }
        return new HeaderExtensions(mid, abs, twcc);
    }

    /** Primary SSRCs in declaration order, each with its FID (RTX) partner; FID/FEC-FR secondaries are not primaries. */
    static List<RemoteStream> remoteStreams(MediaDescription m) {
        Map<Long, Long> rtxOf = new LinkedHashMap<>();
        Set<Long> secondaries = new LinkedHashSet<>();
        for (SsrcGroup g : m.ssrcGroups()) {
            if ((g.is("FID") || g.is("FEC-FR")) && g.ssrcs().size() >= 2) {
                if (g.is("FID")) {
                    rtxOf.putIfAbsent(g.ssrcs().get(0), g.ssrcs().get(1));
                }
                secondaries.addAll(g.ssrcs().subList(1, g.ssrcs().size()));
            }
        }
        List<RemoteStream> out = new ArrayList<>();
        for (SsrcDescription s : m.ssrcs().values()) {
            if (!secondaries.contains(s.ssrc())) {
                out.add(new RemoteStream(s.ssrc(), rtxOf.getOrDefault(s.ssrc(), -1L), s.cname()));
            }
        }
        // FID groups naming SSRCs without a=ssrc lines still declare streams.
        for (Map.Entry<Long, Long> e : rtxOf.entrySet()) {
            if (!m.ssrcs().containsKey(e.getKey())) {
                out.add(new RemoteStream(e.getKey(), e.getValue(), Optional.empty()));
            }
        }
        return out;
    }

    /** "VP8, H264(42e01f), AV1" for the video sections' codecs (RTX, RED and FEC left out). */
    static String describeOffered(List<MediaDescription> media, List<Integer> sections) {
        Set<String> labels = new LinkedHashSet<>();
        for (int i : sections) {
            MediaDescription m = media.get(i);
            for (int pt : m.payloadTypes()) {
                RtpMap r = m.rtpMaps().get(pt);
                if (r == null) {
                    labels.add("PT " + pt);
                    continue;
                }
                String name = r.encodingName().toUpperCase(Locale.ROOT);
                if (NOT_CODECS.contains(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                Fmtp f = m.fmtp(pt).orElse(Fmtp.empty(pt));
                if (name.equals("H264")) {
                    labels.add(f.lowerParameter("profile-level-id").map(p -> "H264(" + p + ")").orElse("H264"));
                } else if (name.equals("H265")) {
                    int profile = H265Format.of(f).profileId();
                    labels.add(profile == H265Format.PROFILE_MAIN ? "H265" : "H265(profile-id=" + profile + ")");
                } else if (name.equals("AV1")) {
                    int profile = Av1Format.of(f).profile();
                    labels.add(profile == 0 ? "AV1" : "AV1(profile=" + profile + ")");
                } else if (name.equals("VP9")) {
                    String profile = f.parameter("profile-id").map(String::strip).orElse("0");
                    labels.add(profile.equals("0") ? "VP9" : "VP9(profile-id=" + profile + ")");
                } else if (m.kind() == MediaKind.AUDIO) {
                    labels.add(r.encodingName() + "/" + r.clockRate() + (r.channels() > 0 ? "/" + r.channels() : ""));
                } else {
                    labels.add(name);
                }
            }
        }
        return labels.isEmpty() ? "no codec" : String.join(", ", labels);
    }

    static String describeAccepted(List<VideoCodecChoice> preferences) {
        Set<String> labels = new LinkedHashSet<>();
        preferences.forEach(c -> labels.add(c.label()));
        return labels.isEmpty() ? "none" : String.join(", ", labels);
    }
}
