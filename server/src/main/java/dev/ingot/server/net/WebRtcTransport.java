package dev.ingot.server.net;

import dev.ingot.media.decode.VideoCodecKind;
import dev.ingot.media.decode.VideoDecoderKind;
import dev.ingot.rtc.dtls.DtlsCertificate;
import dev.ingot.rtc.dtls.ExpectedFingerprint;
import dev.ingot.rtc.ice.IceCredentials;
import dev.ingot.rtc.sdp.Fingerprint;
import dev.ingot.rtc.sdp.H264Profile;
import dev.ingot.rtc.sdp.IceCandidate;
import dev.ingot.rtc.sdp.LocalTransport;
import dev.ingot.rtc.sdp.NegotiatedSession;
import dev.ingot.rtc.sdp.NegotiatedVideo;
import dev.ingot.rtc.sdp.OfferNegotiation;
import dev.ingot.rtc.sdp.OfferRejectedException;
import dev.ingot.rtc.sdp.SdpParseException;
import dev.ingot.rtc.sdp.SessionDescription;
import dev.ingot.rtc.sdp.TrickleFragment;
import dev.ingot.rtc.sdp.VideoCodec;
import dev.ingot.rtc.sdp.VideoCodecChoice;
import dev.ingot.rtc.session.MediaKind;
import dev.ingot.rtc.session.MediaSink;
import dev.ingot.rtc.session.PublisherSession;
import dev.ingot.rtc.session.RtcpMode;
import dev.ingot.rtc.session.SessionParams;
import dev.ingot.rtc.session.TrackParams;
import dev.ingot.server.api.ApiException;
import dev.ingot.server.api.ErrorCodes;
import dev.ingot.server.config.IngotConfig;
import dev.ingot.server.input.InputState;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.whip.WhipTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebRTC media transport behind the WHIP endpoint: negotiates the offer, opens a UDP socket (or joins the mux
 * port), answers at once with host candidates (an ICE-lite server gathers nothing), and drives the session.
 */
public final class WebRtcTransport implements WhipTransport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcTransport.class);
    private final IngotConfig config;
    private final SecureRandom rng = new SecureRandom();
    /** Made on a background thread at start (Bouncy Castle's first use takes a moment); offers wait for it. */
    private final java.util.concurrent.CompletableFuture<DtlsCertificate> certificate;
    private final java.util.concurrent.CompletableFuture<Fingerprint> fingerprint;
    private final UdpPorts ports;
    private final UdpMux mux;
    private final HostAddresses hosts;
    private final MediaSinkFactory sinks;
    private final ConcurrentMap<String, LiveSession> sessions = new ConcurrentHashMap<>();
    private volatile java.util.function.UnaryOperator<DatagramHandler> inboundFilter = h -> h;

    /** The media side of a session: takes its RTP, may ask it for keyframes, closes with it. */
    public interface SessionMedia extends AutoCloseable {
        MediaSink sink();

        void bind(SessionDriver driver);

        @Override
        void close();
    }

    /** Makes the media side of a session (the decoding pipeline of its input). */
    @FunctionalInterface
    public interface MediaSinkFactory {
        SessionMedia create(RegisteredInput input, NegotiatedSession negotiated, Optional<VideoDecoderKind> decoder);
    }

    /** A WHIP session: its input, driver, negotiation and the state PATCH needs. */
    public static final class LiveSession {
        final String id;
        final RegisteredInput input;
        final SessionDriver driver;
        final NegotiatedSession negotiated;
        final Optional<VideoDecoderKind> decoder;
        volatile String etag;
        volatile String remoteUfrag;
        volatile String remotePwd;
        volatile boolean iceConnected;
        volatile boolean srtpReady;
        /** The publisher has been silent for INGOT_DISCONNECT_TIMEOUT_MS: a new offer replaces the session. */
        volatile boolean disconnected;
        /** Done once the media side closed (its end-of-stream events sent). */
        final java.util.concurrent.CompletableFuture<Void> mediaClosed = new java.util.concurrent.CompletableFuture<>();
        volatile RegisteredInput.InputAttachment attachment;
        final long[] lostReported = new long[2];

        LiveSession(String id, RegisteredInput input, SessionDriver driver, NegotiatedSession negotiated,
                Optional<VideoDecoderKind> decoder, String etag) {
            this.id = id;
            this.input = input;
            this.driver = driver;
            this.negotiated = negotiated;
            this.decoder = decoder;
            this.etag = etag;
            this.remoteUfrag = negotiated.remoteIceUfrag();
            this.remotePwd = negotiated.remoteIcePwd();
        }

        public String id() {
            return id;
        }

        public RegisteredInput input() {
            return input;
        }

        public SessionDriver driver() {
            return driver;
        }

        public Optional<VideoDecoderKind> decoder() {
            return decoder;
        }

        public NegotiatedSession negotiated() {
            return negotiated;
        }

        public boolean srtpReady() {
            return srtpReady;
        }

        public boolean disconnected() {
            return disconnected;
        }
    }

    public WebRtcTransport(IngotConfig config, MediaSinkFactory sinks) throws IOException {
        this.config = config;
        this.sinks = sinks;
        this.certificate = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> DtlsCertificate.generate(rng, System.currentTimeMillis() - 86_400_000L),
                r -> Thread.ofPlatform().daemon().name("dtls-certificate").start(r));
        this.fingerprint = certificate.thenApply(c -> new Fingerprint("sha-256",
                DtlsCertificate.fingerprint("sha-256", c.derEncoded())));
        this.hosts = new HostAddresses(config.natIps());
        String udpHost = "0.0.0.0";
        this.ports = new UdpPorts(udpHost, config.udpPortRange());
        if (config.udpMuxPort().isPresent()) {
            if (config.udpPortRange().isPresent()) {
                LOG.warn("both SMELTER_WEBRTC_UDP_MUX_PORT and SMELTER_WEBRTC_UDP_PORT_RANGE are set: the mux port wins");
            }
            this.mux = new UdpMux(UdpEndpoint.bind(udpHost, config.udpMuxPort().get()));
        } else {
            this.mux = null;
        }
    }

    /**
     * Puts something between each new session's socket and its driver (tests use it to impair the network
     * in-process: loss, delay, reordering). Applies to sessions opened afterwards, on per-session sockets.
     */
    public void inboundFilter(java.util.function.UnaryOperator<DatagramHandler> filter) {
        this.inboundFilter = filter;
    }

    public Collection<LiveSession> sessions() {
        return List.copyOf(sessions.values());
    }

    public Optional<LiveSession> sessionOf(RegisteredInput input) {
        return sessions.values().stream().filter(s -> s.input == input).findFirst();
    }

    @Override
    public Answer offer(RegisteredInput input, String offerSdp, InetSocketAddress remote) {
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(offerSdp);
        } catch (SdpParseException e) {
            throw new ApiException(400, ErrorCodes.MALFORMED_REQUEST, "the SDP offer cannot be parsed: " + e.getMessage());
        }
        synchronized (input) {
            Optional<LiveSession> existing = sessionOf(input);
            if (existing.isPresent()) {
                LiveSession old = existing.get();
                if (old.iceConnected && !old.driver.isClosed() && !old.disconnected) {
                    throw new ApiException(409, "INPUT_ALREADY_PUBLISHING", "input \"" + input.id()
                            + "\" already has a connected publisher; DELETE its session first");
                }
                LOG.info("input={} replacing a session that {}", input.id(),
                        old.iceConnected ? "went silent (publisher disconnected)" : "never connected");
                old.driver.close("replaced by a new offer");
                // the old media ends (its end-of-stream events) before the new one starts on the same input
                try {
                    old.mediaClosed.get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("input={} the replaced session's media did not close in time: {}", input.id(), e.toString());
                }
            }
            if (sessions.size() >= config.maxSessions()) {
                throw new ApiException(503, "TOO_MANY_SESSIONS", "the server already has " + sessions.size()
                        + " WHIP sessions (INGOT_MAX_SESSIONS=" + config.maxSessions() + ")");
            }
            return open(input, offer, remote);
        }
    }

    private Answer open(RegisteredInput input, SessionDescription offer, InetSocketAddress remote) {
        IceCredentials ice = IceCredentials.random(rng);
        UdpEndpoint endpoint;
        boolean ownsEndpoint = mux == null;
        try {
            endpoint = ownsEndpoint ? ports.open() : mux.endpoint();
        } catch (IOException e) {
            throw new ApiException(503, "NO_UDP_PORT", "no UDP port for the session: " + e.getMessage());
        }
        NegotiatedSession negotiated;
        try {
            LocalTransport local = localTransport(ice, endpoint.port(), requestLocalAddress(remote));
            negotiated = OfferNegotiation.negotiate(offer, choices(input.decoders()), local);
        } catch (OfferRejectedException e) {
            if (ownsEndpoint) {
                endpoint.close();
            }
            throw new ApiException(422, "OFFER_NOT_ACCEPTABLE", e.getMessage());
        } catch (RuntimeException e) {
            if (ownsEndpoint) {
                endpoint.close();
            }
            throw e;
        }
        Optional<VideoDecoderKind> decoder = negotiated.video().map(v -> decoderFor(input.decoders(), v));
        SessionParams params = sessionParams(ice, negotiated);
        SessionMedia media;
        try {
            media = sinks.create(input, negotiated, decoder);
        } catch (RuntimeException e) {
            if (ownsEndpoint) {
                endpoint.close();
            }
            LOG.error("input={} cannot start decoding: {}", input.id(), e.toString());
            throw new ApiException(500, ErrorCodes.INTERNAL_SERVER_ERROR, "cannot start decoding: " + e.getMessage());
        }
        PublisherSession session = new PublisherSession(params, media.sink(), System.nanoTime());
        String id = newId(16);
        List<ExpectedFingerprint> expected = negotiated.remoteFingerprints().stream()
                .map(f -> new ExpectedFingerprint(f.hashFunction(), f.digest())).toList();
        LiveSession[] holder = new LiveSession[1];
        SessionDriver driver = new SessionDriver(input.id(), session, endpoint, ownsEndpoint, certificate.join(), expected, rng,
                new SessionDriver.Listener() {
                    @Override
                    public void onIceConnected(SessionDriver d, InetSocketAddress r) {
                        holder[0].iceConnected = true;
                    }

                    @Override
                    public void onSrtpReady(SessionDriver d, String profile) {
                        holder[0].srtpReady = true;
                        input.state(InputState.CONNECTED);
                        LOG.info("input={} connected: media flowing with {}", input.id(), profile);
                    }

                    @Override
                    public void onSecond(SessionDriver d, PublisherSession s) {
                        long now = System.nanoTime();
                        for (MediaKind kind : MediaKind.values()) {
                            long lost = s.feedback().lossFigures(kind)[1];
                            long delta = lost - holder[0].lostReported[kind.ordinal()];
                            if (delta > 0) {
                                (kind == MediaKind.VIDEO ? input.videoStats() : input.audioStats()).onLost(delta, now);
                                holder[0].lostReported[kind.ordinal()] = lost;
                            }
                        }
                    }

                    @Override
                    public void onDisconnected(SessionDriver d) {
                        holder[0].disconnected = true;
                    }

                    @Override
                    public void onReconnected(SessionDriver d) {
                        holder[0].disconnected = false;
                    }

                    @Override
                    public void onClosed(SessionDriver d, String reason) {
                        sessions.remove(holder[0].id, holder[0]);
                        LiveSession closing = holder[0];
                        Thread.ofVirtual().name("media-close-" + input.id()).start(() -> {
                            try {
                                media.close();
                            } finally {
                                closing.mediaClosed.complete(null);
                            }
                        });
                        if (mux != null) {
                            mux.remove(d);
                        }
                        if (input.attach(holder[0].attachment, null) && input.state() != InputState.CLOSED) {
                            input.state(InputState.WAITING_FOR_PUBLISHER);
                        }
                    }
                });
        media.bind(driver);
        LiveSession live = new LiveSession(id, input, driver, negotiated, decoder, newId(8));
        holder[0] = live;
        live.attachment = () -> driver.close("input unregistered");
        RegisteredInput.InputAttachment previous = input.attachment();
        input.attach(previous, live.attachment);
        sessions.put(id, live);
        input.state(InputState.CONNECTING);
        if (mux != null) {
            mux.add(ice.ufrag(), driver);
        } else {
            endpoint.start("udp-" + input.id() + "-" + endpoint.port(), inboundFilter.apply(driver));
        }
        driver.start();
        LOG.info("input={} offer negotiated: video {} ({}), audio {}, DTLS {} , UDP port {}", input.id(),
                negotiated.video().map(v -> v.codec() + " pt " + v.payloadType()).orElse("none"),
                decoder.map(VideoDecoderKind::jsonName).orElse("-"),
                negotiated.audio().map(a -> "opus pt " + a.payloadType()).orElse("none"),
                params.dtlsClient() ? "client" : "server", endpoint.port());
        return new Answer(id, negotiated.answerSdp(), live.etag);
    }

    @Override
    public PatchResult patch(RegisteredInput input, String sessionId, String ifMatch, String fragmentText) {
        LiveSession live = sessions.get(sessionId);
        if (live == null || live.input != input) {
            throw new ApiException(404, ErrorCodes.NOT_FOUND, "no such WHIP session on input \"" + input.id() + "\"");
        }
        if (ifMatch != null && !ifMatch.strip().equals("*") && !ifMatch.strip().equals(live.etag)) {
            throw new ApiException(412, "PRECONDITION_FAILED", "If-Match does not match the session's ETag");
        }
        TrickleFragment fragment;
        try {
            fragment = TrickleFragment.parse(fragmentText);
        } catch (SdpParseException e) {
            throw new ApiException(400, ErrorCodes.MALFORMED_REQUEST, "the SDP fragment cannot be parsed: " + e.getMessage());
        }
        if (!fragment.isIceRestart(live.remoteUfrag, live.remotePwd)) {
            return new PatchResult.Trickled();
        }
        String newRemoteUfrag = fragment.effectiveIceUfrag().orElseThrow(() ->
                new ApiException(400, ErrorCodes.MALFORMED_REQUEST, "ICE restart without a=ice-ufrag"));
        String newRemotePwd = fragment.effectiveIcePwd().orElseThrow(() ->
                new ApiException(400, ErrorCodes.MALFORMED_REQUEST, "ICE restart without a=ice-pwd"));
        IceCredentials fresh = IceCredentials.random(rng);
        live.driver.withSession(s -> {
            s.ice().restart(fresh, newRemoteUfrag, newRemotePwd);
            return null;
        });
        if (mux != null) {
            mux.add(fresh.ufrag(), live.driver);
        }
        live.remoteUfrag = newRemoteUfrag;
        live.remotePwd = newRemotePwd;
        live.etag = newId(8);
        LocalTransport local = localTransport(fresh, live.driver.endpoint().port(), null);

        return new PatchResult.Restarted(live.negotiated.iceRestartAnswer(local), live.etag);
    }

    @Override
    public boolean delete(RegisteredInput input, String sessionId) {
        LiveSession live = sessions.get(sessionId);
        if (live == null || live.input != input) {
            return false;
        }
        live.driver.close("publisher sent DELETE");
        return true;
    }

    private LocalTransport localTransport(IceCredentials ice, int port, InetAddress requestLocal) {
        List<IceCandidate> candidates = new ArrayList<>();
        int i = 0;
        for (String address : hosts.forRequest(requestLocal)) {
            long priority = (126L << 24) | ((65535L - i) << 8) | 255;
            candidates.add(IceCandidate.host(Integer.toString(i + 1), "udp", priority, address, port));
            i++;
        }
        return LocalTransport.iceLite(ice.ufrag(), ice.pwd(), fingerprint.join(), candidates);
    }

    /** The local address the publisher's HTTP request reached is not known here; the remote's family is. */
    private static InetAddress requestLocalAddress(InetSocketAddress remote) {
        if (remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress()) {
            return remote.getAddress();
        }
        return null;
    }

    public static List<VideoCodecChoice> choices(List<VideoDecoderKind> decoders) {
        List<VideoCodecChoice> out = new ArrayList<>();
        for (VideoDecoderKind d : decoders) {
            out.add(switch (d) {
                case FFMPEG_H264 -> VideoCodecChoice.of(VideoCodec.H264);
                case FFMPEG_VP8 -> VideoCodecChoice.of(VideoCodec.VP8);
                case FFMPEG_VP9 -> VideoCodecChoice.of(VideoCodec.VP9);
                case FFMPEG_HEVC -> VideoCodecChoice.of(VideoCodec.H265);
                case FFMPEG_AV1 -> VideoCodecChoice.of(VideoCodec.AV1);
                // Vulkan Video decodes the profiles publishers send without FMO/ASO
                case VULKAN_H264 -> VideoCodecChoice.h264(EnumSet.of(H264Profile.CONSTRAINED_BASELINE,
                        H264Profile.BASELINE, H264Profile.MAIN, H264Profile.HIGH));
            });
        }
        return out;
    }

    static VideoDecoderKind decoderFor(List<VideoDecoderKind> decoders, NegotiatedVideo video) {
        VideoCodecKind want = switch (video.codec()) {
            case H264 -> VideoCodecKind.H264;
            case VP8 -> VideoCodecKind.VP8;
            case VP9 -> VideoCodecKind.VP9;
            case H265 -> VideoCodecKind.H265;
            case AV1 -> VideoCodecKind.AV1;
        };
        for (VideoDecoderKind d : decoders) {
            if (d.codec() == want) {
                return d;
            }
        }
        throw new IllegalStateException("negotiated " + want + " that no decoder accepts");
    }

    private SessionParams sessionParams(IceCredentials ice, NegotiatedSession n) {
        TrackParams video = n.video().map(v -> new TrackParams(v.payloadType(), v.rtxPayloadType(), v.clockRate(),
                v.nack(), v.pli(), v.fir(), v.remb(), v.transportCc())).orElse(null);
        TrackParams audio = n.audio().map(a -> new TrackParams(a.payloadType(), -1, 48_000, false, false, false, false,
                a.transportCc())).orElse(null);
        int twcc = n.video().map(v -> v.headerExtensions().transportWideCc()).orElse(-1);
        if (twcc < 0) {
            twcc = n.audio().map(a -> a.headerExtensions().transportWideCc()).orElse(-1);
        }
        long localSsrc = rng.nextInt() & 0xffffffffL;
        // RFC 7022: a CNAME of at least 96 random bits
        return new SessionParams(ice, n.remoteIceUfrag(), n.remoteIcePwd(),
                Duration.ofMillis(config.consentTimeoutMs()), n.dtlsRole() == dev.ingot.rtc.sdp.DtlsRole.CLIENT,
                video, audio, twcc, localSsrc, SessionParams.randomCname(rng), Duration.ofMillis(config.disconnectTimeoutMs()),
                n.feedbackAloneOnly() ? RtcpMode.FEEDBACK_ALONE
                        : n.rtcpReducedSize() ? RtcpMode.REDUCED_SIZE : RtcpMode.COMPOUND);
    }

    private String newId(int bytes) {
        byte[] b = new byte[bytes];
        rng.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        for (LiveSession s : sessions.values()) {
            s.driver.close("server shutting down");
        }
        if (mux != null) {
            mux.endpoint().close();
        }
    }
}
