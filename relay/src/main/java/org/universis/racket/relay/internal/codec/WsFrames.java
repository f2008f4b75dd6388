package org.universis.racket.relay.internal.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * RFC 6455 frames as both ends of racket write them: the opcodes, a frame's head written in the
 * room kept free before its payload, masking, and the close frame's payload. The relay's
 * connections and the client's socket frame through this class and {@link FrameHead}, which reads
 * heads; each side keeps its own limits and its own IO.
 */
public final class WsFrames {

  /**
   * What a WebSocket frame may carry beyond {@code max-event-size}, in either direction: envelopes
   * and batching (PROTOCOL.md). Relay and client frame by the same bound.
   */
  public static final int FRAME_SLACK = 64 * 1024;

  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;
  /** The most payload a control frame (close, ping, pong) carries. */
  public static final int MAX_CONTROL = 125;
  /** Room for the longest head the relay writes: 2 bytes and an 8-byte length, no mask. */
  public static final int SERVER_HEAD_ROOM = 10;
  /** Room for the longest head a client writes: 2 bytes, an 8-byte length and a 4-byte mask. */
  public static final int CLIENT_HEAD_ROOM = 14;
  /** A normal close. */
  public static final int NORMAL = 1000;
  /** What a close frame without a code reports (RFC 6455, 7.4.1); never sent. */
  public static final int NO_STATUS = 1005;

  private WsFrames() {}

  /**
   * Writes the head of a whole, unmasked frame (as a server sends) right before its payload,
   * {@code length} bytes at {@code payloadAt}, in the {@link #SERVER_HEAD_ROOM} bytes kept free
   * there.
   *
   * @return where the frame starts
   */
  public static int writeHead(ByteBuffer buffer, int payloadAt, int length, int opcode) {
    int at = writeLength(buffer, payloadAt, length, 0);
    buffer.put(--at, (byte) (0x80 | opcode));
    return at;
  }

  /**
   * Writes the head of a whole frame as a client sends it, {@code mask} included, right before its
   * payload ({@code length} bytes at {@code payloadAt}, in the {@link #CLIENT_HEAD_ROOM} bytes kept
   * free there), and masks the payload in place.
   *
   * @return where the frame starts
   */
  public static int writeMaskedHead(ByteBuffer buffer, int payloadAt, int length, int opcode, int mask) {
    buffer.putInt(payloadAt - 4, mask);
    mask(buffer, payloadAt, length, mask);
    int at = writeLength(buffer, payloadAt - 4, length, 0x80);
    buffer.put(--at, (byte) (0x80 | opcode));
    return at;
  }

  // The length in its shortest form (7 bits, 16 or 64) ending at `end`, with the mask bit; returns
  // where it starts.
  private static int writeLength(ByteBuffer buffer, int end, int length, int maskBit) {
    if (length <= MAX_CONTROL) {
      buffer.put(end - 1, (byte) (maskBit | length));
      return end - 1;
    }
    if (length <= 0xFFFF) {
      buffer.put(end - 3, (byte) (maskBit | 126)).putShort(end - 2, (short) length);
      return end - 3;
    }
    buffer.put(end - 9, (byte) (maskBit | 127)).putLong(end - 8, length);
    return end - 9;
  }

  /**
   * XORs {@code length} bytes at {@code from} with a frame's mask, eight bytes at a time (a frame
   * can be a megabyte): masks and unmasks alike.
   */
  public static void mask(ByteBuffer buffer, int from, int length, int mask) {
    long wide = ((long) mask << 32) | (mask & 0xFFFFFFFFL);
    int i = from;
    int end = from + length;
    for (; i + 8 <= end; i += 8) buffer.putLong(i, buffer.getLong(i) ^ wide);
    for (int k = 0; i < end; i++, k++) buffer.put(i, (byte) (buffer.get(i) ^ (mask >>> (24 - 8 * k))));
  }

  /**
   * A close frame's payload: the code and as much of the reason as a control frame has room for
   * (123 bytes).
   */
  public static byte[] closePayload(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + Math.min(text.length, MAX_CONTROL - 2)];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, payload.length - 2);
    return payload;
  }

  /** The code of a close frame's payload, {@link #NO_STATUS} when it has none. */
  public static int closeCode(ByteBuffer buffer, int from, int length) {
    return length >= 2 ? buffer.getShort(from) & 0xFFFF : NO_STATUS;
  }

  /** The reason of a close frame's payload, empty when it has none. */
  public static String closeReason(ByteBuffer buffer, int from, int length) {
    if (length <= 2) return "";
    byte[] text = new byte[length - 2];
    buffer.get(from + 2, text);
    return new String(text, StandardCharsets.UTF_8);
  }
}
