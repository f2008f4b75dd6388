package org.universis.racket.relay.internal.server;

import java.util.Arrays;
import org.universis.racket.relay.internal.codec.JsonSlice;

/**
 * Cuts a body that arrives in pieces into its lines ({@code '\n'}; a CR before it is no part of
 * the line), keeping the start of a line that has not ended yet, and refuses a line over the
 * limit before holding more of it. Blank lines are skipped: they keep an idle stream alive, or end
 * a file. The reading of {@code POST /events} in NDJSON ({@link EventLines}), apart from sockets.
 */
final class LineSplitter {

  /** Gets each line; may throw to stop the body there. */
  interface Sink {
    void line(byte[] bytes, int from, int to);
  }

  /** A line over the limit. */
  static final class TooLong extends RuntimeException {
    TooLong() {
      super(null, null, false, false);
    }
  }

  private final int maxLine;
  private final int retained;
  private byte[] partial = new byte[0]; // the start of a line that has not ended yet
  private int partialLength;
  private long number = 1; // the number of the line being read

  /**
   * @param maxLine the longest line, in bytes
   * @param retained the largest buffer kept for the next line once a longer one is done
   */
  LineSplitter(int maxLine, int retained) {
    this.maxLine = maxLine;
    this.retained = retained;
  }

  /** The number of the line being read, from 1: the one a refusal is about. */
  long number() {
    return number;
  }

  /**
   * Hands the lines that end in {@code bytes[0, length)} to {@code sink}, then, at the end of the
   * body, the last one.
   *
   * @throws TooLong at a line over the limit, with {@link #number()} at it
   */
  void take(byte[] bytes, int length, boolean end, Sink sink) {
    int from = 0;
    for (int nl; (nl = JsonSlice.lineEnd(bytes, from, length)) < length; ) {
      if (partialLength == 0) {
        line(bytes, from, nl, sink);
      } else {
        keep(bytes, from, nl);
        line(partial, 0, partialLength, sink);
        partialLength = 0;
        if (partial.length > retained) partial = new byte[0]; // not kept after a long line
      }
      number++;
      from = nl + 1;
    }
    if (from < length) keep(bytes, from, length);
    if (end && partialLength > 0) line(partial, 0, partialLength, sink);
  }

  private void line(byte[] bytes, int from, int to, Sink sink) {
    if (to > from && bytes[to - 1] == '\r') to--; // CRLF: the CR is no part of the line
    if (to - from > maxLine) throw new TooLong();
    if (!isBlank(bytes, from, to)) sink.line(bytes, from, to);
  }

  // The limit, plus one for a CR that may end the line.
  private void keep(byte[] bytes, int from, int to) {
    int length = partialLength + to - from;
    if (length > maxLine + 1) throw new TooLong();
    if (length > partial.length) {
      partial = Arrays.copyOf(partial, Math.min(maxLine + 1, Math.max(length, 2 * partial.length)));
    }
    System.arraycopy(bytes, from, partial, partialLength, to - from);
    partialLength = length;
  }

  private static boolean isBlank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') return false;
    }
    return true;
  }
}
