package org.universis.racket.relay.client;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.universis.racket.ConnectedClient;
import org.universis.racket.Origin;
import org.universis.racket.relay.codec.JsonLimits;
import org.universis.racket.relay.codec.JsonScan;
import org.universis.racket.relay.codec.JsonSlice;
import org.universis.racket.relay.codec.MalformedEventException;

/**
 * Reads what the relay sends, one NDJSON line of UTF-8 at a time. An event's header fields are
 * read once and its body is not parsed at all (its place in the line is kept for
 * {@link ReceivedEvent#body()}). This runs on the network thread for every event and every ack.
 *
 * <p>The two lines that come by the thousand, events and acks, are read by position when they are
 * laid out exactly as the relay writes them ({@code EnvelopeEncoder}, {@code Sequencer}); a JSON
 * parser's set-up and tokens cost more than the rest of receiving an event (profiled). Any other
 * line, or one that differs in the least, goes to Jackson's streaming parser, which accepts any
 * field order and spacing.
 *
 * <p>What is not UTF-8, not JSON, or not an event or message of the protocol, it refuses with a
 * {@link MalformedLine}: the client drops a connection that sends one. Every event it hands on has
 * a body that is one whole JSON value.
 */
final class WireReader {

  private static final byte[] ACK = ascii("{\"op\":\"ack\",\"seq\":");
  private static final byte[] ACK_ID = ascii(",\"id\":");
  private static final byte[] ACK_COUNT = ascii(",\"count\":");
  private static final byte[] EVENT_ID = ascii("{\"id\":");
  private static final byte[] TYPE = ascii(",\"type\":\"");
  private static final byte[] TIME = ascii("\",\"time\":");
  private static final byte[] ORIGIN = ascii(",\"origin\":");
  private static final byte[] SEQ = ascii(",\"seq\":");
  private static final byte[] BODY = ascii(",\"body\":");
  private static final int ORIGIN_CACHE = 8;

  // Few processes emit, many events: the origins last seen, as bytes and as values, so that an
  // event from one of them costs a comparison instead of a parse and an Origin.
  private final byte[][] originBytes = new byte[ORIGIN_CACHE][];
  private final Origin[] originValues = new Origin[ORIGIN_CACHE];
  private int nextOriginSlot;
  private int pos; // where the positional reading of the current line stands

  /** Called for each line: an event or a relay message. */
  interface Sink {
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
  void read(byte[] text, int length, Sink sink) throws MalformedLine {
    if (!JsonSlice.isUtf8(text, 0, length)) throw new MalformedLine("not UTF-8", length);
    int start = 0;
    while (start < length) {
      int end = JsonSlice.lineEnd(text, start, length);
      if (end > start) readLine(text, start, end, sink);
      start = end + 1;
    }
  }

  private void readLine(byte[] text, int from, int to, Sink sink) throws MalformedLine {
    if (readAck(text, from, to, sink) || readRelayEvent(text, from, to, sink)) return;
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
      throw new MalformedLine(e.getMessage(), to - from); // never a piece of the line
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
        case "origin" -> origin = readOrigin(p, to - from);
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
    if (origin == null) origin = new Origin("unknown", 0, null, null);
    return new ReceivedEvent(Arrays.copyOfRange(text, from, to), id, type, time, origin, seq,
        bodyStart, bodyEnd);
  }

  // {"op":"ack","seq":1,"id":2} or {"op":"ack","seq":1,"id":2,"count":3}
  private boolean readAck(byte[] t, int from, int to, Sink sink) {
    pos = from;
    if (!skip(t, to, ACK)) return false;
    long seq = digits(t, to);
    if (seq < 0 || !skip(t, to, ACK_ID)) return false;
    long id = digits(t, to);
    if (id < 0) return false;
    long count = skip(t, to, ACK_COUNT) ? digits(t, to) : 0; // absent: 0, as from Jackson
    if (count < 0 || count > Integer.MAX_VALUE || pos != to - 1 || t[pos] != '}') return false;
    sink.message(new RelayMessage("ack", seq, id, (int) count, null, 0, 0, 0, null, null, null));
    return true;
  }

  // {"id":1,"type":"a.b","time":2,"origin":{...},"seq":3,"body":...}
  private boolean readRelayEvent(byte[] t, int from, int to, Sink sink) throws MalformedLine {
    pos = from;
    if (!skip(t, to, EVENT_ID)) return false;
    long id = digits(t, to);
    if (id <= 0 || !skip(t, to, TYPE)) return false;
    int typeStart = pos;
    while (pos < to && t[pos] != '"') {
      // A checked type has no escape, control or non-ASCII byte (negative here): Jackson decides.
      if (t[pos] == '\\' || t[pos] < 0x20) return false;
      pos++;
    }
    String type = new String(t, typeStart, pos - typeStart, StandardCharsets.ISO_8859_1);
    if (type.isEmpty() || !skip(t, to, TIME)) return false;
    long time = digits(t, to);
    if (time < 0 || !skip(t, to, ORIGIN)) return false;
    Origin origin = knownOrigin(t, to);
    if (origin == null) {
      int originStart = pos;
      int originEnd = objectEnd(t, originStart, to);
      if (originEnd < 0) return false;
      origin = newOrigin(t, originStart, originEnd);
      if (origin == null) return false;
      pos = originEnd;
    }
    long seq;
    if (!skip(t, to, SEQ) || (seq = digits(t, to)) < 0 || !skip(t, to, BODY)) return false;
    int bodyStart = pos;
    // The body as the relay checked it, whole: a line cut short, or one that is not the relay's, is
    // Jackson's to read and refuse.
    int bodyEnd = to - 1;
    if (t[bodyEnd] != '}' || JsonScan.valueEnd(t, bodyStart, bodyEnd) != bodyEnd) return false;
    sink.event(new ReceivedEvent(Arrays.copyOfRange(t, from, to), id, type, time, origin, seq,
        bodyStart - from, bodyEnd - from));
    return true;
  }

  private boolean skip(byte[] t, int to, byte[] expected) {
    int end = pos + expected.length;
    if (end > to || !Arrays.equals(t, pos, end, expected, 0, expected.length)) return false;
    pos = end;
    return true;
  }

  // A non-negative decimal of at most 18 digits (ids, times and seqs all are), or -1; as JSON,
  // without leading zeros.
  private long digits(byte[] t, int to) {
    int start = pos;
    long value = 0;
    while (pos < to && t[pos] >= '0' && t[pos] <= '9') {
      if (pos - start == 18) return -1;
      value = value * 10 + (t[pos++] - '0');
    }
    return pos == start || t[start] == '0' && pos - start > 1 ? -1 : value;
  }

  // Where the JSON object starting at `at` ends (exclusive), minding strings; -1 if it does not.
  private static int objectEnd(byte[] t, int at, int to) {
    if (at >= to || t[at] != '{') return -1;
    int depth = 0;
    boolean inString = false;
    for (int i = at; i < to; i++) {
      byte b = t[i];
      if (inString) {
        if (b == '\\') i++;
        else if (b == '"') inString = false;
      } else if (b == '"') {
        inString = true;
      } else if (b == '{') {
        depth++;
      } else if (b == '}' && --depth == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  // An origin seen lately, when the line has its very bytes at pos, which then moves past them. They
  // are a whole object, so matching them also finds where the object ends, without scanning it.
  private Origin knownOrigin(byte[] t, int to) {
    for (int i = 0; i < ORIGIN_CACHE; i++) {
      byte[] known = originBytes[i];
      if (known != null && pos + known.length <= to
          && Arrays.equals(known, 0, known.length, t, pos, pos + known.length)) {
        pos += known.length;
        return originValues[i];
      }
    }
    return null;
  }

  // Null when Jackson must read the line: the origin is not one as the relay writes it.
  private Origin newOrigin(byte[] t, int from, int to) {
    Origin origin;
    try (JsonParser p = JsonLimits.parser(t, from, to)) {
      p.nextToken();
      origin = readOrigin(p, to - from);
      if (p.nextToken() != null) return null;
    } catch (IOException | MalformedEventException e) {
      return null;
    }
    int slot = nextOriginSlot++ & (ORIGIN_CACHE - 1);
    originBytes[slot] = Arrays.copyOfRange(t, from, to);
    originValues[slot] = origin;
    return origin;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static Origin readOrigin(JsonParser p, int length) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) return null;
    if (p.currentToken() != JsonToken.START_OBJECT) throw new MalformedLine("origin is not an object", length);
    String id = null;
    String host = null;
    String name = null;
    long pid = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> id = text(p, "origin.id", length);
        case "pid" -> pid = value == JsonToken.VALUE_NULL ? 0 : number(p, "origin.pid", length);
        case "host" -> host = text(p, "origin.host", length);
        case "name" -> name = text(p, "origin.name", length);
        default -> p.skipChildren();
      }
    }
    if (id == null) throw new MalformedLine("origin without id", length);
    return new Origin(id, pid, host, name);
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
          case "origin" -> origin = readOrigin(p, length);
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
