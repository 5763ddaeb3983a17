package dev.ingot.server.sidechannel;

/** Counters of one input's side channel, per socket; for {@code /stats}. */
public record SideChannelStats(SocketStats video, SocketStats audio) {
}
