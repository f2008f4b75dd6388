package org.universis.racket.relay.internal.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.universis.racket.Origin;
import org.universis.racket.relay.internal.codec.EmitLine;
import org.universis.racket.relay.internal.codec.EventBatchReader;
import org.universis.racket.relay.internal.codec.Hello;
import org.universis.racket.relay.internal.codec.JsonLimits;
import org.universis.racket.relay.internal.codec.JsonScan;
import org.universis.racket.relay.internal.codec.JsonSlice;
import org.universis.racket.relay.internal.codec.MalformedEventException;
import org.universis.racket.relay.internal.codec.OriginJson;

/**
 * One client → relay WebSocket message. A text frame holds one or more, one JSON object per line;
 * an emit's body is found in the frame's bytes, not decoded, and stays there.
 *
 * @param frame the bytes the message was read from; valid until the frame's listener returns
 * @param bodyFrom where the {@code body} value starts in {@code frame}
 * @param bodyTo where it ends; {@code bodyFrom} when the message has no body
 * @param types the {@code types} field: {@code null} when absent or JSON null
 * @param bodyType the body's own top-level {@code "type"} string, or {@code null}
 * @param acks the hello's {@code acks} field ({@code "runs"}: one ack per run of emits), or
 *     {@code null}
 * @param proof the hello's {@code proof} field (the client's answer to the relay's nonce), or
 *     {@code null}
 * @param protocol the hello's {@code protocol} field, the revision the client reads, or {@code null}
 */
public record WsMessage(String op, Long seq, String type, byte[] frame, int bodyFrom, int bodyTo,
    String bodyType, String types, Origin origin, Long lastEventId, String acks, String proof,
    Long protocol) {

  boolean hasBody() {
    return bodyTo > bodyFrom; // a JSON value is never empty
  }

  int bodyLength() {
    return bodyTo - bodyFrom;
  }

  /** The most characters of an origin's id, host or name, on every transport. */
  static final int MAX_ORIGIN_FIELD = 256;

  /**
   * Reads the messages in bytes {@code from} to {@code to} of {@code frame}; their bodies stay in
   * it, their line breaks turned into spaces.
   *
   * @throws MalformedEventException when the frame is not a sequence of JSON objects
   */
  public static List<WsMessage> parseFrame(byte[] frame, int from, int to) {
    List<WsMessage> out = new ArrayList<>();
    for (int at = JsonScan.space(frame, from, to); at < to; ) {
      int next = emit(frame, at, to, out);
      if (next < 0) { // a message of another kind or layout: Jackson reads it and the rest
        out.addAll(parseWithJackson(Arrays.copyOfRange(frame, at, to)));
        break;
      }
      at = JsonScan.space(frame, next, to);
    }
    return out;
  }

  // An emit laid out exactly as the JVM client writes it is read by position (EmitLine). Returns
  // the index after the emit, or -1 if the message is anything else, and then nothing was added.
  private static int emit(byte[] f, int at, int n, List<WsMessage> out) {
    EmitLine emit = EmitLine.read(f, at, n);
    if (emit == null) return -1;
    JsonSlice.unbreak(f, emit.bodyFrom(), emit.bodyTo());
    out.add(new WsMessage("emit", emit.seq(), emit.type(), f, emit.bodyFrom(), emit.bodyTo(), null,
        null, null, null, null, null, null));
    return emit.bodyTo() + 1;
  }

  /** Reads a frame with Jackson alone: any field order and spacing. */
  static List<WsMessage> parseWithJackson(byte[] frame) {
    List<WsMessage> out = new ArrayList<>();
    try (JsonParser p = JsonLimits.parser(frame, 0, frame.length)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.START_OBJECT) throw new MalformedEventException("each message must be a JSON object");
        out.add(parseObject(p, frame));
      }
    } catch (JsonProcessingException e) {
      throw new MalformedEventException(JsonLimits.describe(e));
    } catch (IOException e) {
      throw new MalformedEventException("unreadable JSON: " + e.getMessage());
    }
    return out;
  }

  private static WsMessage parseObject(JsonParser p, byte[] frame) throws IOException {
    String op = null;
    Long seq = null;
    String type = null;
    int bodyFrom = 0;
    int bodyTo = 0;
    String bodyType = null;
    String types = null;
    Origin origin = null;
    Long lastEventId = null;
    String acks = null;
    String proof = null;
    Long protocol = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "op" -> op = string(p, name);
        case "seq" -> seq = number(p, name);
        case "type" -> type = string(p, name);
        case Hello.TYPES -> types = string(p, name);
        case Hello.LAST_EVENT_ID -> lastEventId = number(p, name);
        case Hello.ACKS -> acks = string(p, name);
        case Hello.PROOF -> proof = string(p, name);
        case Hello.PROTOCOL -> protocol = number(p, name);
        case Hello.ORIGIN -> origin = origin(p);
        case "body" -> {
          int from = JsonSlice.start(p);
          // The body's own "type" counts only when the emit names none (JVM clients name it first).
          if (value == JsonToken.START_OBJECT && type == null) bodyType = EventBatchReader.scanObject(p);
          else if (value.isStructStart()) p.skipChildren();
          else if (value == JsonToken.VALUE_STRING) p.getTextLength();
          // The body ends where the next token starts; JsonSlice trims the separator.
          int to = (int) p.currentLocation().getByteOffset();
          bodyFrom = from;
          bodyTo = JsonSlice.end(frame, from, to);
          JsonSlice.unbreak(frame, bodyFrom, bodyTo);
        }
        default -> p.skipChildren();
      }
    }
    if (op == null) throw new MalformedEventException("message has no \"op\"");
    return new WsMessage(op, seq, type, frame, bodyFrom, bodyTo, bodyType, types, origin,
        lastEventId, acks, proof, protocol);
  }

  private static String string(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) return null;
    if (t != JsonToken.VALUE_STRING) throw new MalformedEventException("\"" + field + "\" must be a string");
    return p.getText();
  }

  private static Long number(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) return null;
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw new MalformedEventException("\"" + field + "\" must be an integer");
    }
    return p.getLongValue();
  }

  // The origin of a hello, capped: every envelope of the connection carries it, as the HTTP
  // origin headers are.
  private static Origin origin(JsonParser p) throws IOException {
    Origin origin = OriginJson.read(p);
    if (origin == null) throw new MalformedEventException("\"origin\" must be an object {id, pid, host, name}");
    if (origin.id().isEmpty() || origin.id().length() > MAX_ORIGIN_FIELD) {
      throw new MalformedEventException("\"origin.id\" must be a string of 1 to 256 characters");
    }
    if (origin.host() != null && origin.host().length() > MAX_ORIGIN_FIELD
        || origin.name() != null && origin.name().length() > MAX_ORIGIN_FIELD) {
      throw new MalformedEventException("\"origin.host\" and \"origin.name\" may have at most 256 characters");
    }
    return origin;
  }
}
