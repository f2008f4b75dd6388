package org.universis.racket.backplane.redis;

import org.universis.racket.spi.Backplane;

/**
 * Stream ids ({@code <millis>-<n>}) as racket ids: {@code (millis - ID_EPOCH_MILLIS) * 1024 + n}.
 * The append script never gives an n past 1023: the 1025th entry of a millisecond takes the next
 * one ({@link RedisBackplane#APPEND}), so ids run ahead of the clock only past 1,024,000 events/s.
 */
final class StreamIds {

  private StreamIds() {}

  static long racketId(String streamId) {
    int dash = streamId.indexOf('-');
    long millis = Long.parseLong(streamId.substring(0, dash));
    long n = Long.parseLong(streamId.substring(dash + 1));
    if (n >= Backplane.IDS_PER_MILLI || millis < Backplane.ID_EPOCH_MILLIS) {
      throw new IllegalArgumentException("stream id " + streamId + " is not one racket appended"
          + " (n must be below 1024 and the time after 2025)");
    }
    return (millis - Backplane.ID_EPOCH_MILLIS) * Backplane.IDS_PER_MILLI + n;
  }

  static String streamId(long racketId) {
    return (racketId / Backplane.IDS_PER_MILLI + Backplane.ID_EPOCH_MILLIS) + "-"
        + racketId % Backplane.IDS_PER_MILLI;
  }

  /** The millisecond a racket id was appended in. */
  static long millis(long racketId) {
    return racketId / Backplane.IDS_PER_MILLI + Backplane.ID_EPOCH_MILLIS;
  }
}
