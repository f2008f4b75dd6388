package org.universis.racket.relay.internal.client;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.universis.racket.ConnectedClient;
import org.universis.racket.Origin;
import org.universis.racket.relay.internal.codec.Ack;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.relay.internal.codec.JsonLimits;
import org.universis.racket.relay.internal.codec.JsonSlice;
import org.universis.racket.relay.internal.codec.MalformedEventException;
import org.universis.racket.relay.internal.codec.OriginJson;

/**
 * Reads what the relay sends, one NDJSON line of UTF-8 at a time. An event's header fields are
 * read once and its body is not parsed at all (its place in the line is kept for
 * {@link ReceivedEvent#body()}). This runs on the network thread for every event and every ack.
 *
 * <p>The two lines that come by the thousand, events and acks, are read by position when they are
 * laid out exactly as the relay writes them ({@link Envelope}, {@link Ack}); a JSON
 * parser's set-up and tokens cost more than the rest of receiving an event (profiled). Any other
 * line, or one that differs in the least, goes to Jackson's streaming parser, which accepts any
 * field order and spacing.
 *
 * <p>What is not UTF-8, not JSON, or not an event or message of the protocol, it refuses with a
 * {@link MalformedLine}: the client drops a connection that sends one. Every event it hands on has
 * a body that is one whole JSON value.
 */
public final class WireReader {

  private final Envelope.Reader envelopes = new Envelope.Reader(); // this connection's origins
  // The current line, for the envelope reader's callback.
  private Sink sink;
  private byte[] text;
  private int lineFrom;
  private int lineTo;
  private final Envelope.Sink toEvent = this::event;

  /** Called for each line: an event or a relay message. */
  public interface Sink {
    void event(ReceivedEvent event);

    void message(RelayMessage message);
  }

  /**
   * A line the reader refuses. Its message says what is wrong and where, and never holds a byte of
   * the line: it is logged, and the line may carry an event body.
   */
  static final class MalformedLine extends IOException {
    MalformedLine(String what, int length) {
      super("the relay sent a malformed line of " + length + " bytes: " + what);
    }
  }

  /** Splits a text message (UTF-8) into its lines and reads each one. */
  public void read(byte[] text, int length, Sink sink) throws MalformedLine {
    if (!JsonSlice.isUtf8(text, 0, length)) throw new MalformedLine("not UTF-8", length);
    int start = 0;
    while (start < length) {
      int end = JsonSlice.lineEnd(text, start, length);
      if (end > start) readLine(text, start, end, sink);
      start = end + 1;
    }
  }

  private void readLine(byte[] text, int from, int to, Sink sink) throws MalformedLine {
    Ack ack = Ack.read(text, from, to);
    if (ack != null) {
      sink.message(new RelayMessage("ack", ack.seq(), ack.id(), ack.count(), null, 0, 0, 0, null,
          null, null));
      return;
    }
    this.sink = sink;
    this.text = text;
    lineFrom = from;
    lineTo = to;
    if (envelopes.read(text, from, to, toEvent)) return;
    ReceivedEvent event = null;
    RelayMessage message = null;
    try (JsonParser p = JsonLimits.parser(text, from, to)) {
      JsonToken first = p.nextToken();
      if (first == null) return; // a blank line
      if (first != JsonToken.START_OBJECT) throw new MalformedLine("not a JSON object", to - from);
      if (p.nextToken() == JsonToken.FIELD_NAME && "op".equals(p.currentName())) {
        message = readMessage(p, to - from);
      } else {
        event = readEvent(p, text, from, to);
      }
      if (p.nextToken() != null) throw new MalformedLine("content after the object", to - from);
    } catch (MalformedLine e) {
      throw e;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation(); // Jackson's own message may quote the line
      throw new MalformedLine("not valid JSON (" + e.getClass().getSimpleName()
          + (at == null ? "" : " at byte " + at.getByteOffset()) + ")", to - from);
    } catch (MalformedEventException e) {
      // Never a piece of the line; without JSON's punctuation, so the message cannot pass for one.
      throw new MalformedLine(e.getMessage().replace("\"", "").replace('{', '(').replace('}', ')'),
          to - from);
    } catch (IOException e) {
      throw new MalformedLine("unreadable (" + e.getClass().getSimpleName() + ")", to - from);
    }
    if (message != null) sink.message(message);
    else sink.event(event);
  }

  // The parser stands on the first field name. The envelope's fields come in a fixed order with
  // body last (PROTOCOL.md), so the body runs from its first byte to the final '}'; the parser
  // ends on that '}'. The line is copied out of the message buffer, which the socket reuses.
  private ReceivedEvent readEvent(JsonParser p, byte[] text, int from, int to) throws IOException {
    long id = 0;
    long time = 0;
    long seq = 0;
    String type = null;
    Origin origin = null;
    long key = -1;
    int bodyStart = -1;
    int bodyEnd = -1;
    for (JsonToken t = p.currentToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "id" -> id = number(p, "id", to - from);
        case "type" -> type = text(p, "type", to - from);
        case "time" -> time = number(p, "time", to - from);
        case "seq" -> seq = number(p, "seq", to - from);
        case "origin" -> origin = OriginJson.read(p);
        case "o" -> key = number(p, "o", to - from);
        case "body" -> {
          // Offsets count from the start of the parsed range, that is of the line.
          bodyStart = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          if (p.nextToken() != JsonToken.END_OBJECT) throw new MalformedLine("body is not last", to - from);
          bodyEnd = (int) p.currentTokenLocation().getByteOffset();
          t = null;
        }
        default -> p.skipChildren();
      }
      if (t == null) break;
    }
    if (p.currentToken() != JsonToken.END_OBJECT) throw new MalformedLine("not an event", to - from);
    if (id <= 0 || type == null || type.isEmpty()) throw new MalformedLine("an event without id or type", to - from);
    if (key >= 0 && (origin = envelopes.keyed(key, origin)) == null) {
      throw new MalformedLine("an origin key the relay never gave", to - from);
    }
    if (origin == null) origin = new Origin("unknown", 0, null, null);
    return new ReceivedEvent(Arrays.copyOfRange(text, from, to), id, type, time, origin, seq,
        bodyStart, bodyEnd);
  }

  // An envelope read by position (Envelope.Reader), from the current line. The line is copied out
  // of the message buffer, which the socket reuses.
  private void event(long id, String type, long time, Origin origin, long seq, int bodyFrom,
      int bodyTo) {
    sink.event(new ReceivedEvent(Arrays.copyOfRange(text, lineFrom, lineTo), id, type, time,
        origin, seq, bodyFrom - lineFrom, bodyTo - lineFrom));
  }

  private static RelayMessage readMessage(JsonParser p, int length) throws IOException {
    String op = null;
    String relay = null;
    String error = null;
    String message = null;
    long seq = 0;
    long id = 0;
    long lastId = 0;
    int count = 0;
    int maxEventSize = 0;
    int queueSize = 0;
    List<ConnectedClient> clients = null;
    for (JsonToken t = p.currentToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "op" -> op = text(p, "op", length);
        case "seq" -> seq = number(p, "seq", length);
        case "id" -> id = number(p, "id", length);
        case "relay" -> relay = text(p, "relay", length);
        case "lastId" -> lastId = number(p, "lastId", length);
        case "count" -> count = size(p, "count", length);
        case "maxEventSize" -> maxEventSize = size(p, "maxEventSize", length);
        case "queueSize" -> queueSize = size(p, "queueSize", length);
        case "error" -> error = text(p, "error", length);
        case "message" -> message = text(p, "message", length);
        case "clients" -> clients = readClients(p, length);
        default -> p.skipChildren();
      }
    }
    if (op == null) throw new MalformedLine("a message without op", length);
    return new RelayMessage(op, seq, id, count, relay, lastId, maxEventSize, queueSize, error,
        message, clients);
  }

  // The relay's list of clients (PROTOCOL.md, GET /clients): the parser stands on the array.
  private static List<ConnectedClient> readClients(JsonParser p, int length) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) throw new MalformedLine("clients is not an array", length);
    List<ConnectedClient> clients = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String transport = null;
      Origin origin = null;
      String types = null;
      String address = null;
      long since = 0;
      long queued = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "transport" -> transport = text(p, "transport", length);
          case "origin" -> origin = OriginJson.read(p);
          case "types" -> types = text(p, "types", length);
          case "since" -> since = number(p, "since", length);
          case "address" -> address = text(p, "address", length);
          case "queued" -> queued = number(p, "queued", length);
          default -> p.skipChildren();
        }
      }
      clients.add(new ConnectedClient(transport, origin, types, since, address, queued));
    }
    if (p.currentToken() != JsonToken.END_ARRAY) throw new MalformedLine("a client is not an object", length);
    return List.copyOf(clients);
  }

  // The value at the parser: a string, or null for JSON null.
  private static String text(JsonParser p, String field, int length) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) return null;
    if (p.currentToken() != JsonToken.VALUE_STRING) throw new MalformedLine(field + " is not a string", length);
    return p.getText();
  }

  private static long number(JsonParser p, String field, int length) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new MalformedLine(field + " is not an integer of 64 bits", length);
    }
    return p.getLongValue();
  }

  private static int size(JsonParser p, String field, int length) throws IOException {
    long n = number(p, field, length);
    if (n < 0 || n > Integer.MAX_VALUE) throw new MalformedLine(field + " is out of range", length);
    return (int) n;
  }
}
