package org.universis.racket.bench;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.universis.racket.ProcessEvent;

/**
 * The two views of one run. Same payload size (256 bytes) in both, and the same steps for every
 * system within each.
 *
 * <ul>
 *   <li>{@link #OPAQUE}: a publisher sends a payload built without a serializer
 *       ({@link Tick#opaque()}); a subscriber takes it as the client hands it over (bytes from NATS
 *       and Redis; a String from racket's {@code event.body(String.class)}; the body's place in an
 *       SSE {@code data:} line) and reads the two numbers at their fixed places. What the
 *       transport costs.
 *   <li>{@link #OBJECTS}: a publisher serializes a {@link Tick} record and a subscriber decodes it
 *       into one, every system with the JVM client's own Jackson mapper (racket through
 *       {@code emit(type, record)} and {@code event.body(Tick.class)}). What an application that
 *       sends objects sees.
 * </ul>
 */
enum View {
  OPAQUE("opaque"),
  OBJECTS("objects");

  /** What an SSE subscriber reads in the objects view: the envelope's type and body. */
  record Envelope(String type, Tick body) {}

  private static final ObjectWriter WRITER = Tick.JSON.writerFor(Tick.class);
  private static final ObjectReader READER = Tick.JSON.readerFor(Tick.class);
  private static final ObjectReader ENVELOPE = Tick.JSON.readerFor(Envelope.class);
  /** Where a string body starts in racket's envelope. */
  private static final byte[] STRING_BODY = "\"body\":\"".getBytes(StandardCharsets.US_ASCII);

  final String label;

  View(String label) {
    this.label = label;
  }

  /** The payload NATS and Redis carry, and the body of a single {@code POST /events}. */
  byte[] payload(Tick tick) {
    return this == OPAQUE ? tick.opaque() : encode(tick);
  }

  /** The body a POST /events?type=bench (or an NDJSON line) carries for {@code tick}. */
  byte[] httpBody(Tick tick) {
    if (this == OBJECTS) return encode(tick);
    byte[] opaque = tick.opaque(); // ASCII with nothing to escape: a JSON string between quotes
    byte[] b = new byte[opaque.length + 2];
    b[0] = '"';
    System.arraycopy(opaque, 0, b, 1, opaque.length);
    b[b.length - 1] = '"';
    return b;
  }

  /** What racket's JVM client emits for {@code tick}. */
  Object body(Tick tick) {
    return this == OPAQUE ? new String(tick.opaque(), StandardCharsets.ISO_8859_1) : tick;
  }

  /** Reads a payload as NATS and Redis hand it over. */
  void read(byte[] payload, Tick.TickSink sink) {
    if (this == OPAQUE) {
      Tick.readOpaque(payload, 0, sink);
      return;
    }
    try {
      Tick tick = READER.readValue(payload);
      sink.tick(tick.n(), tick.t());
    } catch (IOException e) {
      throw new IllegalArgumentException("not a tick: " + new String(payload, StandardCharsets.UTF_8), e);
    }
  }

  /** Reads an event as racket's JVM client hands it over. */
  void read(ProcessEvent event, Tick.TickSink sink) {
    if (this == OPAQUE) {
      Tick.readOpaque(event.body(String.class), sink);
    } else {
      Tick tick = event.body(Tick.class);
      sink.tick(tick.n(), tick.t());
    }
  }

  /** Reads the envelope of an SSE {@code data:} line of type bench, {@code length} bytes at {@code from}. */
  void readEnvelope(byte[] line, int from, int length, Tick.TickSink sink) {
    if (this == OPAQUE) {
      int body = indexOf(line, from, from + length, STRING_BODY);
      if (body < 0) throw new IllegalArgumentException("no string body in " + new String(line, from, length, StandardCharsets.UTF_8));
      Tick.readOpaque(line, body + STRING_BODY.length, sink);
      return;
    }
    try {
      Envelope envelope = ENVELOPE.readValue(line, from, length);
      sink.tick(envelope.body().n(), envelope.body().t());
    } catch (IOException e) {
      throw new IllegalArgumentException("not an envelope of a tick: " + new String(line, from, length, StandardCharsets.UTF_8), e);
    }
  }

  private static byte[] encode(Tick tick) {
    try {
      return WRITER.writeValueAsBytes(tick);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + tick, e);
    }
  }

  private static int indexOf(byte[] b, int from, int to, byte[] what) {
    outer:
    for (int i = from; i <= to - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) continue outer;
      }
      return i;
    }
    return -1;
  }

  static View of(String label) {
    for (View v : values()) {
      if (v.label.equals(label.trim())) return v;
    }
    throw new IllegalArgumentException("unknown view '" + label + "'; known: opaque, objects");
  }
}
