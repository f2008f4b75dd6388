package org.universis.racket.relay.internal.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An event as the backplane carries it, before it has an id: every relay builds the same envelope
 * from it once the log names the id. Binary: version, type, origin JSON, seq, time, body JSON.
 */
record BackplaneEntry(String type, byte[] origin, long seq, long time, byte[] body) {

  private static final byte VERSION = 1;

  static byte[] encode(Emit emit, byte[] origin, long time) {
    byte[] type = emit.type().getBytes(StandardCharsets.UTF_8);
    int bodyLength = emit.to() - emit.from();
    ByteBuffer out = ByteBuffer.allocate(1 + 2 + type.length + 4 + origin.length + 16 + bodyLength);
    out.put(VERSION).putShort((short) type.length).put(type).putInt(origin.length).put(origin)
        .putLong(emit.seq()).putLong(time).put(emit.bytes(), emit.from(), bodyLength);
    return out.array();
  }

  /** @throws IllegalArgumentException when {@code entry} is not one {@link #encode} made */
  static BackplaneEntry decode(byte[] entry) {
    try {
      ByteBuffer in = ByteBuffer.wrap(entry);
      if (in.get() != VERSION) throw new IllegalArgumentException("unknown backplane entry version");
      byte[] type = new byte[in.getShort() & 0xFFFF];
      in.get(type);
      byte[] origin = new byte[in.getInt()];
      in.get(origin);
      long seq = in.getLong();
      long time = in.getLong();
      byte[] body = new byte[in.remaining()];
      in.get(body);
      return new BackplaneEntry(new String(type, StandardCharsets.UTF_8), origin, seq, time, body);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a racket backplane entry: " + e, e);
    }
  }
}
