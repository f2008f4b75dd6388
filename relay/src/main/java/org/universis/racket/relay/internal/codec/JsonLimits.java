package org.universis.racket.relay.internal.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;

/**
 * The limits on the JSON the relay reads and the client reads back (PROTOCOL.md, "Parse limits"),
 * and the words a sender gets when it passes one. They are Jackson's defaults, set here so that
 * relay and client agree on them: what the relay accepts, every client can read. The size of the
 * whole input is bounded before it gets here, by {@code max-event-size}.
 */
public final class JsonLimits {

  /** Objects and arrays within each other. */
  public static final int MAX_DEPTH = 1000;
  /** Characters of one number, sign, fraction and exponent included. */
  public static final int MAX_NUMBER_LENGTH = 1000;
  /** Characters of one object member's name. */
  public static final int MAX_NAME_LENGTH = 50_000;

  private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
      .maxNestingDepth(MAX_DEPTH)
      .maxNumberLength(MAX_NUMBER_LENGTH)
      .maxNameLength(MAX_NAME_LENGTH)
      .build();

  private JsonLimits() {}

  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();

  /**
   * The one factory of the relay and the client (thread-safe), whose parsers enforce these limits:
   * every parser and generator comes from it.
   */
  public static JsonFactory factory() {
    return JSON;
  }

  /**
   * A parser of the UTF-8 JSON in {@code b[from, to)}, under these limits; its byte offsets count
   * from {@code from}.
   *
   * @throws MalformedEventException when the bytes are not UTF-8, or when a NUL among the first four
   *     would make Jackson take them for UTF-16 or UTF-32 (its offsets then count characters)
   */
  public static JsonParser parser(byte[] b, int from, int to) throws IOException {
    for (int i = from; i < Math.min(to, from + 4); i++) {
      if (b[i] == 0) throw new MalformedEventException("malformed JSON: a NUL byte at byte " + (i - from));
    }
    if (!JsonSlice.isUtf8(b, from, to)) throw new MalformedEventException("the JSON is not UTF-8");
    return JSON.createParser(b, from, to - from);
  }

  /**
   * What is wrong with the input, for its sender: the limit passed, or the parser's own words and
   * where, in bytes from the start of what it read.
   */
  public static String describe(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) return limitPassed(e.getOriginalMessage());
    JsonLocation at = e.getLocation();
    return "malformed JSON: " + e.getOriginalMessage()
        + (at == null || at.getByteOffset() < 0 ? "" : " at byte " + at.getByteOffset());
  }

  // Jackson says which limit in its message, naming the StreamReadConstraints getter.
  private static String limitPassed(String jackson) {
    String text = String.valueOf(jackson);
    if (text.contains("NestingDepth")) {
      return "JSON nested deeper than " + MAX_DEPTH + " levels, the limit";
    } else if (text.contains("NumberLength")) {
      return "a JSON number longer than " + MAX_NUMBER_LENGTH + " characters, the limit";
    } else if (text.contains("NameLength")) {
      return "a JSON name longer than " + MAX_NAME_LENGTH + " characters, the limit";
    }
    return "JSON past a parse limit: " + text;
  }
}
