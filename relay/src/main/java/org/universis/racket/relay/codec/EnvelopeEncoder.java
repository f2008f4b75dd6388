package org.universis.racket.relay.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.universis.racket.Origin;

/**
 * Writes the event envelope, {@code {"id":…,"type":…,"time":…,"origin":…,"seq":…,"body":…}}, by
 * splicing bytes: the origin is encoded once per connection and the body is the emitter's own
 * bytes, so encoding an event costs one array copy.
 */
public final class EnvelopeEncoder {

  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] ID = ascii("{\"id\":");
  private static final byte[] TYPE = ascii(",\"type\":\"");
  private static final byte[] TIME = ascii("\",\"time\":");
  private static final byte[] ORIGIN = ascii(",\"origin\":");
  private static final byte[] SEQ = ascii(",\"seq\":");
  private static final byte[] BODY = ascii(",\"body\":");
  private static final byte[] ACK_SEQ = ascii("{\"op\":\"ack\",\"seq\":");
  private static final byte[] ACK_ID = ascii(",\"id\":");
  private static final byte[] ACK_COUNT = ascii(",\"count\":");

  private EnvelopeEncoder() {}

  /** The envelope of a body that is all of {@code body}. */
  public static byte[] encode(long id, String type, long time, byte[] origin, long seq, byte[] body) {
    return encode(id, type, time, origin, seq, body, 0, body.length);
  }

  /**
   * The envelope's bytes.
   *
   * @param type a checked type (its characters need no escaping)
   * @param origin from {@link #origin(Origin)}
   * @param body holds the body, one JSON value without line breaks, at {@code [from, to)}
   */
  public static byte[] encode(long id, String type, long time, byte[] origin, long seq, byte[] body,
      int from, int to) {
    // Sized exactly, so the envelope is allocated once and never copied to trim it.
    byte[] out = new byte[ID.length + digits(id) + TYPE.length + type.length() + TIME.length
        + digits(time) + ORIGIN.length + origin.length + SEQ.length + digits(seq) + BODY.length
        + (to - from) + 1];
    int pos = put(out, 0, ID);
    pos = putLong(out, pos, id);
    pos = put(out, pos, TYPE);
    for (int i = 0; i < type.length(); i++) out[pos++] = (byte) type.charAt(i);
    pos = put(out, pos, TIME);
    pos = putLong(out, pos, time);
    pos = put(out, pos, ORIGIN);
    pos = put(out, pos, origin);
    pos = put(out, pos, SEQ);
    pos = putLong(out, pos, seq);
    pos = put(out, pos, BODY);
    System.arraycopy(body, from, out, pos, to - from);
    out[pos + to - from] = '}';
    return out;
  }

  /**
   * The type of an envelope that {@link #encode} wrote for event {@code id}, read back by its
   * position: the relay's history keeps envelopes only, and replay filters them by type.
   */
  public static String type(byte[] envelope, long id) {
    int start = ID.length + digits(id) + TYPE.length;
    int end = start;
    while (envelope[end] != '"') end++; // a checked type has no quote and no escape
    return new String(envelope, start, end - start, StandardCharsets.US_ASCII);
  }

  /**
   * {@code {"op":"ack","seq":…,"id":…,"count":…}}, the answer to a run of {@code count} WebSocket
   * emits that became consecutive events, the last being {@code seq} and {@code id}; without
   * {@code count} when it is 1 (the answer to one emit).
   */
  public static byte[] ack(long seq, long id, int count) {
    int length = ACK_SEQ.length + digits(seq) + ACK_ID.length + digits(id) + 1;
    if (count != 1) length += ACK_COUNT.length + digits(count);
    byte[] out = new byte[length];
    int pos = put(out, 0, ACK_SEQ);
    pos = putLong(out, pos, seq);
    pos = put(out, pos, ACK_ID);
    pos = putLong(out, pos, id);
    if (count != 1) {
      pos = put(out, pos, ACK_COUNT);
      pos = putLong(out, pos, count);
    }
    out[pos] = '}';
    return out;
  }

  /** The origin object's JSON, {@code {"id":…,"pid":…,"host":…,"name":…}}, escaped as needed. */
  public static byte[] origin(Origin origin) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", origin.id());
      g.writeNumberField("pid", origin.pid());
      g.writeStringField("host", origin.host());
      g.writeStringField("name", origin.name());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int put(byte[] out, int pos, byte[] bytes) {
    System.arraycopy(bytes, 0, out, pos, bytes.length);
    return pos + bytes.length;
  }

  /** The characters {@code Long.toString(value)} has. */
  public static int digits(long value) {
    if (value < 0) return value == Long.MIN_VALUE ? 20 : 1 + digits(-value);
    int n = 1;
    for (long limit = 10; n < 19 && value >= limit; limit *= 10) n++;
    return n;
  }

  /**
   * Writes {@code value} in decimal at {@code pos} (no String, no array per number) and returns the
   * position after it; the client writes its emit lines with it too.
   */
  public static int putLong(byte[] out, int pos, long value) {
    if (value == Long.MIN_VALUE) return put(out, pos, ascii(Long.toString(value)));
    if (value < 0) {
      out[pos++] = '-';
      value = -value;
    }
    int end = pos + digits(value);
    int i = end;
    do {
      out[--i] = (byte) ('0' + value % 10);
      value /= 10;
    } while (value != 0);
    return end;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
