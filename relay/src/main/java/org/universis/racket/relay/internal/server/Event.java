package org.universis.racket.relay.internal.server;

import java.nio.charset.StandardCharsets;

/**
 * A numbered event: its envelope, encoded once, is shared by every subscriber queue that holds
 * it; the {@link History} keeps a copy of its own.
 */
public final class Event implements Outgoing {

  public final long id;
  public final String type;
  public final byte[] envelope;
  /** {@code id: …\nevent: …\ndata: } as ASCII, the SSE prefix, built when first needed. */
  private byte[] ssePrefix;

  public Event(long id, String type, byte[] envelope) {
    this.id = id;
    this.type = type;
    this.envelope = envelope;
  }

  /** The SSE record's head; racy but idempotent, so no lock: every thread builds equal bytes. */
  byte[] ssePrefix() {
    byte[] prefix = ssePrefix;
    if (prefix == null) {
      prefix = ("id: " + id + "\nevent: " + type + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
      ssePrefix = prefix;
    }
    return prefix;
  }

  @Override
  public byte[] bytes() {
    return envelope;
  }

  /** What one queued copy of this event costs, for byte bounds. */
  long size() {
    return envelope.length + 64L;
  }
}
