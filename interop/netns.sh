#!/usr/bin/env bash
# A test host in a network namespace, joined to this machine by a veth pair.
#
#   interop/netns.sh up   NAME [HOST_CIDR NS_CIDR]   (default 169.254.77.1/30 169.254.77.2/30)
#   interop/netns.sh down NAME
#   interop/netns.sh exec NAME CMD...                 (= ip netns exec NAME CMD...)
#
# Why: libnice (GStreamer webrtcbin) leaves loopback interfaces out of its own address
# discovery, so a publisher whose only way to the server is 127.0.0.1 gathers no usable
# candidate. Inside the namespace the publisher sees a real (veth) interface; it reaches
# the server at the host-side address (bind the server's UDP/HTTP there or on 0.0.0.0 and
# have it answer with a host-side candidate). The link-local addresses exist only on this
# veth pair; the namespace has no default route, so nothing else is reachable from it.
# (gst-whip.py can also stay on 127.0.0.1 without a namespace; see interop/README.md.)
#
# Needs root (CAP_NET_ADMIN). 'up' first removes a namespace of the same name; both
# commands are idempotent. Interface names: <NAME up to 12 chars>-h (host side), -n (inside).
set -euo pipefail
cmd="${1:-}"; name="${2:-}"
if [ -z "$cmd" ] || [ -z "$name" ]; then
  echo "usage: $0 up NAME [HOST_CIDR NS_CIDR] | down NAME | exec NAME CMD..." >&2
  exit 64
fi
case "$name" in *[!A-Za-z0-9_-]*) echo "netns: bad name '$name'" >&2; exit 64 ;; esac
host_if="${name:0:12}-h"
ns_if="${name:0:12}-n"

down() {
  ip netns del "$name" 2>/dev/null || true          # takes the inner veth end, and so the pair, with it
  ip link del "$host_if" 2>/dev/null || true
}

case "$cmd" in
  up)
    host_cidr="${3:-169.254.77.1/30}"; ns_cidr="${4:-169.254.77.2/30}"
    down
    ip netns add "$name"
    ip link add "$host_if" type veth peer name "$ns_if"
    ip link set "$ns_if" netns "$name"
    # IPv4 only: an IPv6 link-local address would also be gathered (and is 'tentative' for
    # a second or two after link-up, so which candidates appear would vary run to run)
    sysctl -q -w "net.ipv6.conf.$host_if.disable_ipv6=1" 2>/dev/null || true
    ip netns exec "$name" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
    ip addr add "$host_cidr" dev "$host_if"
    ip link set "$host_if" up
    ip -n "$name" link set lo up
    ip -n "$name" addr add "$ns_cidr" dev "$ns_if"
    ip -n "$name" link set "$ns_if" up
    echo "netns: $name up host=${host_cidr%/*} ($host_if) ns=${ns_cidr%/*} ($ns_if)"
    ;;
  down)
    down
    echo "netns: $name down"
    ;;
  exec)
    shift 2
    exec ip netns exec "$name" "$@"
    ;;
  *)
    echo "netns: unknown command '$cmd' (up|down|exec)" >&2
    exit 64
    ;;
esac
