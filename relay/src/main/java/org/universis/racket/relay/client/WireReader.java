package org.universis.racket.relay.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.universis.racket.Origin;

/**
 * Reads what the relay sends, one NDJSON line at a time, with Jackson's streaming parser over the
 * UTF-8 bytes: an event's header fields are read once and its body is not parsed at all (its place in the line is kept for
 * {@link ReceivedEvent#body()}). This runs on the network thread for every event.
 */
final class WireReader {

  private static final JsonFactory JSON = ClientJson.MAPPER.getFactory();
  private static final int ORIGIN_CACHE = 1024;

  // Few processes emit, many events: keep their Origin values instead of making one per event.
  private final Map<String, Origin> origins = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Origin> eldest) {
      return size() > ORIGIN_CACHE;
    }
  };

  /** Called for each line: an event or a relay message. */
  interface Sink {
    void event(ReceivedEvent event);

    void message(RelayMessage message);
  }

  /** Splits a text message (UTF-8) into its lines and reads each one. */
  void read(byte[] text, int length, Sink sink) throws IOException {
    int start = 0;
    while (start < length) {
      int end = lineEnd(text, start, length);
      if (end > start) readLine(text, start, end, sink);
      start = end + 1;
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

  // The index of the next '\n' (never inside a UTF-8 sequence or a JSON string), or `length`.
  // Eight bytes at a time: this scan touches every byte the relay sends.
  static int lineEnd(byte[] text, int from, int length) {
    int i = from;
    for (; i + 8 <= length; i += 8) {
      long x = (long) LONGS.get(text, i) ^ NEWLINES; // a zero byte where text has '\n'
      long found = (x - ONES) & ~x & (ONES << 7);
      if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
    }
    while (i < length && text[i] != '\n') i++;
    return i;
  }

  private void readLine(byte[] text, int from, int to, Sink sink) throws IOException {
    try (JsonParser p = JSON.createParser(text, from, to - from)) {
      JsonToken first = p.nextToken();
      if (first == null) return; // a blank line
      if (first != JsonToken.START_OBJECT) throw new IOException("not a JSON object (" + (to - from) + " bytes)");
      if (p.nextToken() == JsonToken.FIELD_NAME && "op".equals(p.currentName())) {
        sink.message(readMessage(p));
      } else {
        sink.event(readEvent(p, text, from, to));
      }
    }
  }

  // The parser stands on the first field name. The envelope's fields come in a fixed order with
  // body last (PROTOCOL.md), so the body runs from its first byte to the final '}'. The line is
  // copied out of the message buffer, which the socket reuses.
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
        case "id" -> id = p.getLongValue();
        case "type" -> type = p.getText();
        case "time" -> time = p.getLongValue();
        case "seq" -> seq = p.getLongValue();
        case "origin" -> origin = readOrigin(p);
        case "body" -> {
          // Offsets count from the start of the parsed range, that is of the line.
          bodyStart = (int) p.currentTokenLocation().getByteOffset();
          bodyEnd = lastBrace(text, from, to) - from;
          t = null;
        }
        default -> p.skipChildren();
      }
      if (t == null) break;
    }
    if (id == 0 || type == null) throw new IOException("an event without id or type (" + (to - from) + " bytes)");
    if (origin == null) origin = new Origin("unknown", 0, null, null);
    return new ReceivedEvent(Arrays.copyOfRange(text, from, to), id, type, time, origin, seq,
        bodyStart, bodyEnd);
  }

  private static int lastBrace(byte[] text, int from, int to) {
    int i = to - 1;
    while (i > from && text[i] != '}') i--;
    return i;
  }

  private Origin readOrigin(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String id = null;
    String host = null;
    String name = null;
    long pid = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> id = p.getValueAsString();
        case "pid" -> pid = p.getValueAsLong();
        case "host" -> host = value == JsonToken.VALUE_NULL ? null : p.getText();
        case "name" -> name = value == JsonToken.VALUE_NULL ? null : p.getText();
        default -> p.skipChildren();
      }
    }
    Origin cached = origins.get(id);
    if (cached != null && cached.pid() == pid && java.util.Objects.equals(cached.host(), host)
        && java.util.Objects.equals(cached.name(), name)) {
      return cached;
    }
    Origin origin = new Origin(id, pid, host, name);
    if (id != null) origins.put(id, origin);
    return origin;
  }

  private static RelayMessage readMessage(JsonParser p) throws IOException {
    String op = null;
    String relay = null;
    String error = null;
    String message = null;
    long seq = 0;
    long id = 0;
    long lastId = 0;
    int maxEventSize = 0;
    for (JsonToken t = p.currentToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "op" -> op = p.getText();
        case "seq" -> seq = p.getValueAsLong();
        case "id" -> id = p.getValueAsLong();
        case "relay" -> relay = p.getValueAsString();
        case "lastId" -> lastId = p.getValueAsLong();
        case "maxEventSize" -> maxEventSize = p.getValueAsInt();
        case "error" -> error = p.getValueAsString();
        case "message" -> message = p.getValueAsString();
        default -> p.skipChildren();
      }
    }
    return new RelayMessage(op, seq, id, relay, lastId, maxEventSize, error, message);
  }
}
