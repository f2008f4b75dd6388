package org.universis.racket.relay.internal.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.universis.racket.spi.TypeFilter;

/**
 * Reads the body of {@code POST /events}: one JSON value or an array of them. It streams over the
 * bytes once, checks the syntax, finds each element's top-level {@code "type"} and slices each
 * element's bytes, so a body is copied, never decoded into objects and encoded again.
 */
public final class EventBatchReader {

  /** The type of an event that names none. */
  public static final String DEFAULT_TYPE = "message";

  private EventBatchReader() {}

  /**
   * @param body the request body
   * @param typeOverride the type every event gets ({@code ?type=}), or {@code null}
   * @throws MalformedEventException saying what is wrong, for a 400 answer
   */
  public static List<RawEvent> read(byte[] body, String typeOverride) {
    return read(body, 0, body.length, typeOverride);
  }

  /** As {@link #read(byte[], String)}, over {@code body[from, to)}: one line of a stream. */
  public static List<RawEvent> read(byte[] body, int from, int to, String typeOverride) {
    return read(body, from, to, typeOverride, Integer.MAX_VALUE);
  }

  /**
   * As {@link #read(byte[], int, int, String)}, stopping at once past {@code maxEvents}.
   *
   * @throws TooManyEventsException when the batch has more than {@code maxEvents}
   */
  public static List<RawEvent> read(byte[] body, int from, int to, String typeOverride, int maxEvents) {
    if (typeOverride != null) check(typeOverride);
    try (JsonParser p = JsonLimits.parser(body, from, to)) {
      JsonToken root = p.nextToken();
      if (root == null) throw new MalformedEventException("the body is empty; send a JSON object");
      List<RawEvent> events = new ArrayList<>();
      if (root == JsonToken.START_ARRAY) {
        JsonToken t = p.nextToken();
        while (t != JsonToken.END_ARRAY) {
          if (events.size() == maxEvents) throw new TooManyEventsException(maxEvents);
          t = readElement(p, body, from, to, typeOverride, events);
        }
        if (events.isEmpty()) throw new MalformedEventException("the batch is an empty array");
        if (p.nextToken() != null) throw trailing();
      } else if (readElement(p, body, from, to, typeOverride, events) != null) {
        throw trailing();
      }
      return events;
    } catch (JsonProcessingException e) {
      throw new MalformedEventException(JsonLimits.describe(e));
    } catch (IOException e) {
      throw new MalformedEventException("unreadable JSON: " + e.getMessage());
    }
  }

  // Reads the value at the current token, adds it, and returns the token after it.
  // Jackson counts offsets from the start of its input, `base` in `body`.
  private static JsonToken readElement(JsonParser p, byte[] body, int base, int end,
      String typeOverride, List<RawEvent> out) throws IOException {
    int from = base + JsonSlice.start(p);
    String type = null;
    if (p.currentToken() == JsonToken.START_OBJECT) type = scanObject(p);
    else if (p.currentToken() == JsonToken.START_ARRAY) p.skipChildren();
    JsonToken next = p.nextToken();
    int to = next == null ? end : base + JsonSlice.start(p);
    String chosen = typeOverride != null ? typeOverride : type != null ? check(type) : DEFAULT_TYPE;
    out.add(new RawEvent(chosen, JsonSlice.copy(body, from, to)));
    return next;
  }

  /**
   * Walks the object the parser is at to its end and returns its top-level {@code "type"}
   * string, if any (not checked).
   */
  public static String scanObject(JsonParser p) throws IOException {
    String type = null;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_STRING && type == null && "type".equals(name)) {
        type = p.getText();
      } else if (value.isStructStart()) {
        p.skipChildren();
      }
      if (t != JsonToken.FIELD_NAME) throw new IllegalStateException("unexpected " + t);
    }
    return type;
  }

  private static String check(String type) {
    try {
      return TypeFilter.checkType(type);
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException(e.getMessage());
    }
  }

  private static MalformedEventException trailing() {
    return new MalformedEventException("malformed JSON: content after the end of the value;"
        + " send one JSON value or one array");
  }
}
