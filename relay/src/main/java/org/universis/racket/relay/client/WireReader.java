package org.universis.racket.relay.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.universis.racket.Origin;

/**
 * Reads what the relay sends, one NDJSON line at a time, with Jackson's streaming parser: an event's
 * header fields are read once and its body is not parsed at all (its place in the line is kept for
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

  /** Splits a text message into its lines and reads each one. */
  void read(String text, Sink sink) throws IOException {
    int start = 0;
    int n = text.length();
    while (start < n) {
      int end = text.indexOf('\n', start);
      if (end < 0) end = n;
      if (end > start) readLine(text.substring(start, end), sink);
      start = end + 1;
    }
  }

  private void readLine(String line, Sink sink) throws IOException {
    if (line.isBlank()) return;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object: " + line);
      if (p.nextToken() == JsonToken.FIELD_NAME && "op".equals(p.currentName())) {
        sink.message(readMessage(p));
      } else {
        sink.event(readEvent(p, line));
      }
    }
  }

  // The parser stands on the first field name. The envelope's fields come in a fixed order with
  // body last (PROTOCOL.md), so the body runs from its first character to the final '}'.
  private ReceivedEvent readEvent(JsonParser p, String line) throws IOException {
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
          bodyStart = (int) p.currentTokenLocation().getCharOffset();
          bodyEnd = line.lastIndexOf('}');
          t = null;
        }
        default -> p.skipChildren();
      }
      if (t == null) break;
    }
    if (id == 0 || type == null) throw new IOException("an event without id or type: " + line);
    if (origin == null) origin = new Origin("unknown", 0, null, null);
    return new ReceivedEvent(line, id, type, time, origin, seq, bodyStart, bodyEnd);
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
