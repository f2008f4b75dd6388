package org.universis.racket.relay.codec;

import com.fasterxml.jackson.core.JsonParser;

/**
 * Cuts a value's raw bytes out of a parsed JSON document, so the relay forwards bodies byte for
 * byte instead of decoding and re-encoding them.
 */
public final class JsonSlice {

  private JsonSlice() {}

  /** The byte offset where the parser's current token starts. */
  public static int start(JsonParser parser) {
    return (int) parser.currentTokenLocation().getByteOffset();
  }

  /**
   * Copies {@code src[from, to)} minus the whitespace and separators after the value, turning the
   * line breaks a sender may have put between tokens into spaces: a line break can only be
   * whitespace in valid JSON, and envelopes must fit on one line (SSE data, NDJSON).
   *
   * @param to where the next token starts, or the end of the input
   */
  public static byte[] copy(byte[] src, int from, int to) {
    int end = to;
    while (end > from && isTrailing(src[end - 1])) end--;
    byte[] out = new byte[end - from];
    for (int i = 0; i < out.length; i++) {
      byte b = src[from + i];
      out[i] = b == '\n' || b == '\r' ? (byte) ' ' : b;
    }
    return out;
  }

  private static boolean isTrailing(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == ',' || b == ':';
  }
}
