package org.universis.racket.relay.internal.server;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.universis.racket.Origin;
import org.universis.racket.relay.internal.codec.OriginJson;

/**
 * Who is connected: the relay's {@code racket.client.joined} and {@code racket.client.left} events
 * (PROTOCOL.md, Presence), numbered by the {@link Sequencer} like any event, and the JSON of a
 * client that they, {@code GET /clients} and the WebSocket's {@code clients} answer share.
 */
final class Presence {

  static final String JOINED = "racket.client.joined";
  static final String LEFT = "racket.client.left";

  private final Sequencer sequencer;
  private final byte[] relayOrigin;

  Presence(Sequencer sequencer, Notices notices) {
    this.sequencer = sequencer;
    this.relayOrigin = notices.origin();
  }

  /** A client said who it is (a WebSocket's hello, a named SSE stream) and is subscribed. */
  void joined(Subscriber s) {
    publish(JOINED, s);
  }

  /** A client that had joined is gone. */
  void left(Subscriber s) {
    publish(LEFT, s);
  }

  private void publish(String type, Subscriber s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.generator(out)) {
      client(g, s, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sequencer.publish(List.of(new Emit(type, out.toByteArray(), 0)), relayOrigin, null, false);
  }

  /** {@code {"clients":[...]}} with each one's queue, after an {@code "op"} field unless it is null. */
  static byte[] clients(List<Subscriber> subscribers, String op) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartObject();
      if (op != null) g.writeStringField("op", op);
      g.writeArrayFieldStart("clients");
      for (Subscriber s : subscribers) client(g, s, true);
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void client(JsonGenerator g, Subscriber s, boolean queued) throws IOException {
    SubscriberInfo info = s.info();
    g.writeStartObject();
    g.writeStringField("transport", info.transport());
    g.writeFieldName("origin");
    Origin o = info.origin();
    if (o == null) {
      g.writeNull();
    } else {
      OriginJson.write(o, g);
    }
    g.writeStringField("types", s.filter().toString());
    g.writeNumberField("since", info.since());
    g.writeStringField("address", info.address());
    if (queued) g.writeNumberField("queued", s.queued());
    g.writeEndObject();
  }
}
