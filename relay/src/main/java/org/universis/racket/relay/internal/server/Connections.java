package org.universis.racket.relay.internal.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts long-lived connections (SSE streams, WebSockets) against {@code max-connections}, in
 * total, and against {@code max-connections-per-peer}, per address.
 */
final class Connections {

  private final int max;
  private final int maxPerPeer;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> perPeer = new ConcurrentHashMap<>();
  private volatile boolean closing;

  Connections(int max, int maxPerPeer) {
    this.max = max;
    this.maxPerPeer = maxPerPeer;
  }

  /** Takes a place for a connection from {@code peer}; false when a limit is reached. */
  boolean tryAcquire(SocketAddress peer) {
    if (closing) return false;
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    InetAddress address = inetAddress(peer);
    if (address == null) return true;
    boolean[] taken = {false};
    perPeer.compute(address, (a, n) -> {
      int now = n == null ? 0 : n;
      if (now >= maxPerPeer) return n;
      taken[0] = true;
      return now + 1;
    });
    if (!taken[0]) open.decrementAndGet();
    return taken[0];
  }

  boolean full() {
    return closing || open.get() >= max;
  }

  /** Gives back the place {@link #tryAcquire} took for {@code peer}. */
  void release(SocketAddress peer) {
    open.decrementAndGet();
    InetAddress address = inetAddress(peer);
    if (address != null) perPeer.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  void closing() {
    closing = true;
  }

  private static InetAddress inetAddress(SocketAddress peer) {
    return peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  /** {@code host:port} of a peer, for /clients and logs. */
  static String address(java.net.SocketAddress peer) {
    if (peer instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
    return String.valueOf(peer);
  }

  /** Why {@link #tryAcquire} refused {@code peer}. */
  String refusal(SocketAddress peer) {
    if (closing) return "the relay is shutting down";
    if (open.get() >= max) return "the relay has " + max + " connections, its limit (max-connections)";
    return "this address has " + maxPerPeer + " connections, its limit (max-connections-per-peer)";
  }
}
