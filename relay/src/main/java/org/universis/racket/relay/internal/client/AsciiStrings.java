package org.universis.racket.relay.internal.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The serializer of emitted strings, faster in the common case: a string of ASCII with nothing to
 * escape (and no '?') is written as its bytes in one copy. Jackson's own copies the string into a
 * buffer of chars and writes it a char at a time, two nanoseconds each: for the 190 chars of the
 * benchmark's filler, half of encoding its 256-byte body. The bytes written are Jackson's either
 * way: any other string, and any generator that does not write UTF-8 (control messages written as
 * text), takes Jackson's {@code writeString}.
 */
final class AsciiStrings extends StdScalarSerializer<String> {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = ONES << 7;
  private static final long QUOTES = '"' * ONES;
  private static final long BACKSLASHES = '\\' * ONES;
  private static final long QUESTION_MARKS = '?' * ONES;
  private static final long SPACES = ' ' * ONES; // the first char that is no control

  AsciiStrings() {
    super(String.class);
  }

  @Override
  public boolean isEmpty(SerializerProvider provider, String value) {
    return value.isEmpty(); // as Jackson's: @JsonInclude(NON_EMPTY) leaves "" out
  }

  @Override
  public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
    if (gen instanceof UTF8JsonGenerator) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      if (plain(bytes)) {
        gen.writeRawUTF8String(bytes, 0, bytes.length); // between quotes, as it is
        return;
      }
    }
    gen.writeString(value);
  }

  // True when b is ASCII with none of what JSON escapes ('"', '\\', the control chars) and no '?',
  // which is also what String.getBytes puts for a lone surrogate (Jackson escapes that). Eight
  // bytes at a time: subtracting sets a byte's high bit where it is below what is subtracted, or
  // borrows from a lower byte that is; a byte from 0x80 up (UTF-8 beyond ASCII, which Jackson
  // writes by its own rules) keeps its high bit in all three xors, and after subtracting one in two
  // of them at least (only 0x80 loses it). So any high bit set says one of them is there.
  private static boolean plain(byte[] b) {
    int i = 0;
    for (; i + 8 <= b.length; i += 8) {
      long x = (long) LONGS.get(b, i);
      long below = ((x ^ QUOTES) - ONES) | ((x ^ BACKSLASHES) - ONES) | ((x ^ QUESTION_MARKS) - ONES)
          | (x - SPACES);
      if ((below & HIGH_BITS) != 0) return false;
    }
    for (; i < b.length; i++) {
      if (b[i] < 0x20 || b[i] == '"' || b[i] == '\\' || b[i] == '?') return false;
    }
    return true;
  }
}
