package org.universis.racket.relay.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * A WebSocket client's first message, {@code {"op":"hello","origin":…,"types":…,"lastEventId":…,
 * "acks":"runs","protocol":2,"proof":…}} (PROTOCOL.md, WebSocket). The JVM client writes it here;
 * the relay reads it with the field names here ({@code WsMessage}).
 */
public final class Hello {

  public static final String OP = "hello";
  public static final String ORIGIN = "origin";
  public static final String TYPES = "types";
  public static final String LAST_EVENT_ID = "lastEventId";
  /** {@code "runs"}: one ack per run of emits. */
  public static final String ACKS = "acks";
  public static final String ACK_RUNS = "runs";
  /** The answer to the relay's nonce (PROTOCOL.md, Proving who is who). */
  public static final String PROOF = "proof";
  /** The protocol revision the client reads; absent means 1, full envelopes. */
  public static final String PROTOCOL = "protocol";
  /** The revision with keyed envelopes (PROTOCOL.md, Origin keys). */
  public static final int KEYED = 2;

  private Hello() {}

  /**
   * The JVM client's hello: it asks for one ack per run of emits and for keyed envelopes.
   *
   * @param originJson from {@link OriginJson#write}
   * @param types the subscriptions' filter, or null when it only emits
   * @param lastEventId the last id it saw, or 0 for none
   * @param proof its answer to the relay's nonce, or null when the relay asked none
   */
  public static String write(String originJson, String types, long lastEventId, String proof) {
    StringWriter out = new StringWriter(160 + originJson.length());
    try (JsonGenerator g = JsonLimits.factory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("op", OP);
      g.writeFieldName(ORIGIN);
      g.writeRawValue(originJson);
      g.writeStringField(TYPES, types);
      if (lastEventId > 0) g.writeNumberField(LAST_EVENT_ID, lastEventId);
      g.writeStringField(ACKS, ACK_RUNS);
      g.writeNumberField(PROTOCOL, KEYED);
      if (proof != null) g.writeStringField(PROOF, proof);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
