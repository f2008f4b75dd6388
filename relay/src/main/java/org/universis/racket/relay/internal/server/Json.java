package org.universis.racket.relay.internal.server;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.universis.racket.relay.internal.codec.JsonLimits;

/** Small JSON objects the relay writes itself (welcome, nacks, errors, status pages), escaped by Jackson. */
final class Json {

  private Json() {}

  /** An object from alternating names and values (String, Number, Boolean or null). */
  static byte[] object(Object... namesAndValues) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = JsonLimits.factory().createGenerator(out)) {
      g.writeStartObject();
      for (int i = 0; i < namesAndValues.length; i += 2) {
        g.writeFieldName((String) namesAndValues[i]);
        value(g, namesAndValues[i + 1]);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The refusal of the emit {@code seq}: its error code and a message for people. */
  static byte[] nack(long seq, String error, String message) {
    return object("op", "nack", "seq", seq, "error", error, "message", message);
  }

  private static void value(JsonGenerator g, Object value) throws IOException {
    if (value == null) g.writeNull();
    else if (value instanceof String s) g.writeString(s);
    else if (value instanceof Long l) g.writeNumber(l);
    else if (value instanceof Integer n) g.writeNumber(n);
    else if (value instanceof Boolean b) g.writeBoolean(b);
    else throw new IllegalArgumentException("unsupported JSON value " + value.getClass());
  }

  static JsonGenerator generator(ByteArrayOutputStream out) throws IOException {
    return JsonLimits.factory().createGenerator(out);
  }
}
