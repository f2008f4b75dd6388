package org.universis.racket.relay.internal.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.function.Supplier;
import org.universis.racket.relay.internal.codec.JsonLimits;

/**
 * The one {@link ObjectMapper} every emitter and event of this class loader shares (it is
 * thread-safe and costly to make), and the rules for decoding bodies.
 *
 * <p>Decoding is a tolerant reader: properties the class does not know are ignored, so a producer
 * may add fields without breaking older consumers. What the class does declare must fit: a value of
 * the wrong kind, or a missing or null value for a primitive, fails with the property's path.
 */
public final class ClientJson {

  public static final ObjectMapper MAPPER = new ObjectMapper(JsonLimits.factory())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .registerModule(new SimpleModule().addSerializer(String.class, new AsciiStrings()));

  // A reader per body class, made once: MAPPER.readValue resolves the type and looks up its
  // deserializer at every call, which was a tenth of decoding a small body (profiled).
  private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
    @Override
    protected ObjectReader computeValue(Class<?> type) {
      return MAPPER.readerFor(type);
    }
  };

  private ClientJson() {}

  /**
   * Encodes a value as JSON text (control messages).
   *
   * @throws IllegalArgumentException saying why the body cannot be encoded
   */
  static String encode(Object body) {
    try {
      return MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw cannotEncode(body, e);
    }
  }

  /**
   * Encodes an emitted body as UTF-8.
   *
   * @throws IllegalArgumentException saying why the body cannot be encoded
   */
  public static byte[] encodeBytes(Object body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw cannotEncode(body, e);
    }
  }

  /**
   * Decodes a body received as UTF-8 JSON.
   *
   * @param what names the event in an error (made only then: this runs for every event)
   * @throws IllegalArgumentException saying where and why the body does not fit {@code type}
   */
  public static <T> T decode(byte[] json, int offset, int length, Class<T> type, Supplier<String> what) {
    // body() as a tree, and a string as a String: read directly, the same values as Jackson's.
    // Anything else as a String (a number, say) is Jackson's to coerce or refuse.
    if (type == Object.class || type == String.class) {
      Object tree = JsonTree.read(json, offset, length);
      if (type == Object.class ? tree != JsonTree.UNREAD : tree instanceof String) return type.cast(tree);
    }
    try {
      return READERS.get(type).readValue(json, offset, length);
    } catch (IOException e) {
      throw cannotDecode(e, type, what.get());
    }
  }

  private static IllegalArgumentException cannotEncode(Object body, JsonProcessingException e) {
    return new IllegalArgumentException("cannot encode the event body (" + className(body)
        + ") as JSON: " + withoutJacksonHint(e.getOriginalMessage())
        + "; emit a Map, a record, a POJO with getters, or a String", e);
  }

  private static IllegalArgumentException cannotDecode(IOException error, Class<?> type, String what) {
    if (error instanceof JsonMappingException e) {
      String path = e.getPathReference();
      return new IllegalArgumentException("the body of " + what + " does not fit "
          + type.getName() + (path == null || path.isEmpty() ? "" : " at " + shortPath(path))
          + ": " + missingOrNull(withoutJacksonHint(e.getOriginalMessage())), e);
    }
    String detail = error instanceof JsonProcessingException e ? e.getOriginalMessage() : String.valueOf(error);
    return new IllegalArgumentException("the body of " + what + " is not valid JSON: " + detail, error);
  }

  // Jackson suggests turning its own features off: settings a racket user cannot reach.
  private static String withoutJacksonHint(String message) {
    int hint = message.indexOf(" (set DeserializationConfig");
    if (hint < 0) hint = message.indexOf(" (to avoid exception, disable");
    return hint < 0 ? message : message.substring(0, hint);
  }

  private static String missingOrNull(String message) {
    return message.startsWith("Cannot map `null` into type")
        ? message + ": the value is missing or null (declare it with a wrapper type, such as"
            + " Integer, if it is optional)"
        : message;
  }

  // Jackson's path reference names the class of each level with its package; the field is what helps.
  private static String shortPath(String path) {
    return path.replaceAll("[\\w$.]+\\[", "[").replace("][", "].[");
  }

  private static String className(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }
}
