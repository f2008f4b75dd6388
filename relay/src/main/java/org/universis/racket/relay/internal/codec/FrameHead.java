package org.universis.racket.relay.internal.codec;

import java.nio.ByteBuffer;

/**
 * The head of one WebSocket frame as read (RFC 6455, 5.2): its first 2 to 14 bytes. One reader
 * keeps one and reads every frame's head into it. {@link #read} checks what the RFC requires of
 * every frame; how long a message may be is the reader's limit.
 */
public final class FrameHead {

  /** The most bytes a head takes: 2, an 8-byte length and a 4-byte mask. */
  public static final int MAX_SIZE = 14;

  private boolean fin;
  private int opcode;
  private long length;
  private int mask;
  private int size;

  /** How many bytes a head takes, known from its second byte: 2 to {@link #MAX_SIZE}. */
  public static int size(int secondByte) {
    int length = secondByte & 0x7F;
    int size = length == 126 ? 4 : length == 127 ? 10 : 2;
    return (secondByte & 0x80) != 0 ? size + 4 : size;
  }

  /**
   * Reads the head at {@code at}, where its {@link #size} bytes are, for a reader of frames from a
   * client ({@code fromClient}: they must be masked) or from a server (they must not be).
   *
   * @return what breaks RFC 6455 in it, or {@code null} when nothing does
   */
  public String read(ByteBuffer bytes, int at, boolean fromClient) {
    int b0 = bytes.get(at) & 0xFF;
    int b1 = bytes.get(at + 1) & 0xFF;
    fin = (b0 & 0x80) != 0;
    opcode = b0 & 0x0F;
    size = size(b1);
    length = b1 & 0x7F;
    if (length == 126) length = bytes.getShort(at + 2) & 0xFFFF;
    else if (length == 127) length = bytes.getLong(at + 2);
    boolean masked = (b1 & 0x80) != 0;
    mask = masked ? bytes.getInt(at + size - 4) : 0;
    if ((b0 & 0x70) != 0) return "a frame with extension bits (no extension was agreed)";
    if (masked != fromClient) {
      return fromClient ? "frames from a client must be masked" : "frames from a server must not be masked";
    }
    if (isControl() && (!fin || length > WsFrames.MAX_CONTROL || length < 0)) {
      return "a control frame must be whole and at most 125 bytes";
    }
    if (opcode > WsFrames.BINARY && opcode < WsFrames.CLOSE || opcode > WsFrames.PONG) {
      return "unknown opcode " + opcode;
    }
    return null;
  }

  /** Whether this is a message's last (or only) frame. */
  public boolean fin() {
    return fin;
  }

  public int opcode() {
    return opcode;
  }

  /** Whether this is a close, ping or pong. */
  public boolean isControl() {
    return opcode >= WsFrames.CLOSE;
  }

  /** The payload's length as declared; negative when it is over 2^63 - 1, which RFC 6455 forbids. */
  public long length() {
    return length;
  }

  /** The mask, 0 in an unmasked frame. */
  public int mask() {
    return mask;
  }

  /** The head's bytes: the payload starts that far after it. */
  public int size() {
    return size;
  }
}
