package org.universis.racket.relay.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.universis.racket.Origin;

/**
 * An origin's JSON, {@code {"id":…,"pid":…,"host":…,"name":…}}: in the hello, in every full
 * envelope, in the relay's list of clients. Written and read here only.
 */
public final class OriginJson {

  private OriginJson() {}

  /** The origin's JSON, escaped as needed. */
  public static byte[] write(Origin origin) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96);
    try (JsonGenerator g = JsonLimits.factory().createGenerator(out)) {
      write(origin, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes the origin's object where the generator stands. */
  public static void write(Origin origin, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", origin.id());
    g.writeNumberField("pid", origin.pid());
    g.writeStringField("host", origin.host());
    g.writeStringField("name", origin.name());
    g.writeEndObject();
  }

  /**
   * Reads the origin the parser stands on (its start, or JSON null); unknown fields are skipped.
   *
   * @return null for JSON null
   * @throws MalformedEventException when it is not an object with a string id, or a field has the
   *     wrong kind of value
   */
  public static Origin read(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) return null;
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new MalformedEventException("\"origin\" must be an object {id, pid, host, name}");
    }
    String id = null;
    long pid = 0;
    String host = null;
    String name = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> id = string(p, "origin.id");
        case "pid" -> pid = value == JsonToken.VALUE_NULL ? 0 : integer(p);
        case "host" -> host = string(p, "origin.host");
        case "name" -> name = string(p, "origin.name");
        default -> p.skipChildren();
      }
    }
    if (id == null) throw new MalformedEventException("\"origin.id\" is missing");
    return new Origin(id, pid, host, name);
  }

  private static String string(JsonParser p, String field) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) return null;
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new MalformedEventException("\"" + field + "\" must be a string");
    }
    return p.getText();
  }

  private static long integer(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new MalformedEventException("\"origin.pid\" must be an integer of 64 bits");
    }
    return p.getLongValue();
  }
}
