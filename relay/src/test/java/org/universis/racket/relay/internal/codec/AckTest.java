package org.universis.racket.relay.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class AckTest {

  @Test
  void whatTheWriterWritesTheReaderReadsByPosition() throws Exception {
    for (long v : new long[] {0, 1, 9, 10, 61518051253248L, Long.MAX_VALUE}) {
      for (int count : new int[] {1, 2, 1024, Integer.MAX_VALUE}) {
        byte[] written = Ack.write(v, v / 3, count);
        // The reader takes it by position, not by a parser: the same values, count 0 for "absent".
        assertEquals(new Ack(v, v / 3, count == 1 ? 0 : count), Ack.read(written, 0, written.length),
            new String(written, java.nio.charset.StandardCharsets.US_ASCII));
        JsonNode json = new ObjectMapper().readTree(written);
        assertEquals("ack", json.get("op").asText());
        assertEquals(v, json.get("seq").asLong());
      }
    }
  }

  @Test
  void anythingElseIsLeftToTheParser() {
    for (String line : new String[] {"{\"op\":\"ack\",\"seq\":1,\"id\":2 }", "{\"op\":\"ack\",\"id\":2,\"seq\":1}",
        "{\"op\":\"ack\",\"seq\":01,\"id\":2}", "{\"op\":\"ack\",\"seq\":1,\"id\":99999999999999999999}"}) {
      byte[] b = line.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertNull(Ack.read(b, 0, b.length), line);
    }
  }
}
