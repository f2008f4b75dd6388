package org.universis.racket.relay.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmitLineTest {

  private static String line(long seq, String type, String body) {
    return new String(EmitLine.write(seq, type, body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  @Test
  void emitLinesAreLaidOutAsTheRelayReadsThemByPosition() {
    for (long seq = 1; seq > 0 && seq <= Long.MAX_VALUE / 10; seq = seq * 10 + 7) {
      assertEquals("{\"op\":\"emit\",\"seq\":" + seq + ",\"type\":\"cache.invalidate\",\"body\":{\"k\":\"é\"}}",
          line(seq, "cache.invalidate", "{\"k\":\"é\"}"));
    }
    assertEquals("{\"op\":\"emit\",\"seq\":" + Long.MAX_VALUE + ",\"type\":\"a\",\"body\":1}",
        line(Long.MAX_VALUE, "a", "1"));
    assertEquals("{\"op\":\"emit\",\"seq\":3,\"body\":{\"type\":\"from.body\"}}",
        line(3, null, "{\"type\":\"from.body\"}"));
  }

  @Test
  void whatTheWriterWritesTheReaderReadsByPosition() {
    String[] bodies = {"{\"k\":\"é\",\"n\":[1,2,{\"x\":null}]}", "1", "\"text\"", "[]", "true", "-0.5e3"};
    for (long seq : new long[] {0, 1, 9, 10, 4711, 999_999_999_999_999_999L, Long.MAX_VALUE}) {
      for (String body : bodies) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        // Between other bytes, as in a frame of several emits.
        byte[] written = EmitLine.write(seq, "cache.invalidate", b);
        byte[] frame = new byte[written.length + 4];
        System.arraycopy(written, 0, frame, 2, written.length);
        EmitLine read = EmitLine.read(frame, 2, frame.length);
        assertNotNull(read, "the fast reader refused what the writer wrote: " + new String(written, StandardCharsets.UTF_8));
        assertEquals(seq, read.seq());
        assertEquals("cache.invalidate", read.type());
        assertEquals(body, new String(frame, read.bodyFrom(), read.bodyTo() - read.bodyFrom(), StandardCharsets.UTF_8));
        assertEquals(2 + written.length - 1, read.bodyTo(), "the emit ends after the body's closing brace");
      }
    }
  }

  @Test
  void anUntypedEmitIsLeftToTheParserThatFindsTheBodysType() {
    byte[] written = EmitLine.write(3, null, "{\"type\":\"from.body\"}".getBytes(StandardCharsets.UTF_8));
    assertNull(EmitLine.read(written, 0, written.length));
  }
}
