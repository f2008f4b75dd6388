package org.universis.racket.relay.server;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts long-lived connections (SSE streams, WebSockets) against {@code max-connections}. */
final class Connections {

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean closing;

  Connections(int max) {
    this.max = max;
  }

  boolean tryAcquire() {
    if (closing) return false;
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  boolean full() {
    return closing || open.get() >= max;
  }

  void release() {
    open.decrementAndGet();
  }

  void closing() {
    closing = true;
  }

  /** {@code host:port} of a peer, for /clients and logs. */
  static String address(java.net.SocketAddress peer) {
    if (peer instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
    return String.valueOf(peer);
  }

  String refusal() {
    return closing ? "the relay is shutting down"
        : "the relay has " + max + " connections, its limit (max-connections)";
  }
}
