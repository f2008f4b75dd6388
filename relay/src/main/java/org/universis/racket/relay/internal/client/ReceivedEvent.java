package org.universis.racket.relay.internal.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.universis.racket.Origin;
import org.universis.racket.ProcessEvent;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.relay.internal.codec.OriginJson;

/**
 * An event as it arrived: the envelope's UTF-8 bytes, its header fields read once, and the body
 * decoded lazily (once, shared by every subscription of this emitter) from its place inside them;
 * the envelope becomes a String only if {@link #json()} is called.
 */
public final class ReceivedEvent implements ProcessEvent {

  private final byte[] envelope;
  private final long id;
  private final String type;
  private final long time;
  private final Origin origin;
  private final long seq;
  private final int bodyStart;
  private final int bodyEnd;
  private volatile Object body;
  private volatile boolean bodyDecoded;
  private volatile String json;

  ReceivedEvent(byte[] envelope, long id, String type, long time, Origin origin, long seq,
      int bodyStart, int bodyEnd) {
    this.envelope = envelope;
    this.id = id;
    this.type = type;
    this.time = time;
    this.origin = origin;
    this.seq = seq;
    this.bodyStart = bodyStart;
    this.bodyEnd = bodyEnd;
  }

  private static final Origin LOCAL =
      new Origin("local", ProcessHandle.current().pid(), null, "racket-client");
  private static final byte[] LOCAL_JSON = OriginJson.write(LOCAL);

  /**
   * The notice a subscription gets in place of events its full queue had to drop: the relay's
   * {@code racket.resync} with reason {@code overflow}, from this process.
   */
  static ReceivedEvent overflowNotice(long dropped, long from, long to) {
    long time = System.currentTimeMillis();
    byte[] body = Envelope.resyncBody("overflow", dropped, from, to);
    byte[] envelope = Envelope.encode(to, RESYNC, time, LOCAL_JSON, 0, body);
    // The body is last, before the closing brace (PROTOCOL.md).
    return new ReceivedEvent(envelope, to, RESYNC, time, LOCAL, 0,
        envelope.length - 1 - body.length, envelope.length - 1);
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public Instant time() {
    return Instant.ofEpochMilli(time);
  }

  @Override
  public Origin origin() {
    return origin;
  }

  @Override
  public long seq() {
    return seq;
  }

  @Override
  public Object body() {
    if (!bodyDecoded) {
      // Racing threads may both decode; they get equal trees and either one is kept.
      body = decodeBody(Object.class);
      bodyDecoded = true;
    }
    return body;
  }

  @Override
  public <T> T body(Class<T> type) {
    if (type == Object.class) return type.cast(body());
    return decodeBody(type);
  }

  private <T> T decodeBody(Class<T> type) {
    return bodyStart < 0 ? ClientJson.decode(NULL, 0, NULL.length, type, this::describe)
        : ClientJson.decode(envelope, bodyStart, bodyEnd - bodyStart, type, this::describe);
  }

  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  /** The bytes the envelope takes. */
  int size() {
    return envelope.length;
  }

  @Override
  public String json() {
    String text = json;
    if (text == null) json = text = new String(envelope, StandardCharsets.UTF_8);
    return text;
  }

  @Override
  public String toString() {
    return json();
  }

  private String describe() {
    return "event " + id + " (" + type + ")";
  }
}
