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

  private EnvelopeEncoder() {}

  /**
   * The envelope's bytes.
   *
   * @param type a checked type (its characters need no escaping)
   * @param origin from {@link #origin(Origin)}
   * @param body one JSON value without line breaks
   */
  public static byte[] encode(long id, String type, long time, byte[] origin, long seq, byte[] body) {
    byte[] out = new byte[ID.length + 20 + TYPE.length + type.length() + TIME.length + 20
        + ORIGIN.length + origin.length + SEQ.length + 20 + BODY.length + body.length + 1];
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
    pos = put(out, pos, body);
    out[pos++] = '}';
    return pos == out.length ? out : java.util.Arrays.copyOf(out, pos);
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

  private static int putLong(byte[] out, int pos, long value) {
    byte[] digits = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    return put(out, pos, digits);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
