package org.universis.racket.relay.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;

/** Envelope's writers against its reader by position: full and keyed, the reader's fast path. */
class EnvelopeReadTest {

  private record Read(long id, String type, long time, Origin origin, long seq, String body) {}

  private static Read read(Envelope.Reader reader, byte[] line) {
    List<Read> out = new ArrayList<>();
    boolean fast = reader.read(line, 0, line.length, (id, type, time, origin, seq, from, to) ->
        out.add(new Read(id, type, time, origin, seq, new String(line, from, to - from, StandardCharsets.UTF_8))));
    assertTrue(fast, "the reader left to a parser what the writer wrote: " + new String(line, StandardCharsets.UTF_8));
    return out.get(0);
  }

  private static byte[] keyed(byte[] envelope, long id, String type, OriginKeys keys) {
    ByteBuffer out = ByteBuffer.allocate(Envelope.keyedSize(envelope));
    Envelope.writeKeyed(envelope, id, type, keys, out);
    return Arrays.copyOf(out.array(), out.position());
  }

  @Test
  void whatTheWriterWritesTheReaderReadsByPosition() {
    Envelope.Reader reader = new Envelope.Reader();
    Origin origin = new Origin("o-1", 4711, "wéb \"1\"", null);
    for (long v : new long[] {1, 9, 10, 1764201600123904L, Long.MAX_VALUE}) {
      for (String body : new String[] {"{\"k\":[1,{\"x\":\"}\"}]}", "1", "\"s\"", "null"}) {
        byte[] envelope = Envelope.encode(v, "cache.invalidate", v - 1, OriginJson.write(origin), v / 2,
            body.getBytes(StandardCharsets.UTF_8));
        assertEquals(new Read(v, "cache.invalidate", v - 1, origin, v / 2, body), read(reader, envelope));
      }
    }
  }

  @Test
  void keyedEnvelopesCarryEachOriginOnceAndReadBackToIt() throws Exception {
    OriginKeys keys = new OriginKeys();
    Envelope.Reader reader = new Envelope.Reader();
    ObjectMapper json = new ObjectMapper();
    // More emitters than keys, interleaved: keys are reused, every event still reads its origin.
    int emitters = OriginKeys.MAX + 7;
    for (int round = 0; round < 3; round++) {
      for (int e = 0; e < emitters; e++) {
        Origin origin = new Origin("emitter-" + e, e, "host", "name-" + e);
        long id = round * 1000L + e + 1;
        byte[] envelope = Envelope.encode(id, "t", 5, OriginJson.write(origin), id, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        for (int twice = 0; twice < 2; twice++) {
          byte[] line = keyed(envelope, id, "t", keys);
          JsonNode node = json.readTree(line);
          assertTrue(node.has("o"), "no key");
          // The first of an origin's events introduces it; the next one names only its key.
          assertEquals(twice == 0, node.has("origin"), new String(line, StandardCharsets.UTF_8));
          assertEquals(new Read(id, "t", 5, origin, id, "{\"a\":1}"), read(reader, line));
        }
      }
    }
  }

  @Test
  void aKeyTheConnectionWasNeverGivenIsNotRead() {
    byte[] line = "{\"id\":1,\"type\":\"t\",\"time\":2,\"o\":3,\"seq\":4,\"body\":{}}".getBytes(StandardCharsets.UTF_8);
    assertFalse(new Envelope.Reader().read(line, 0, line.length, (id, type, time, origin, seq, from, to) -> { }));
  }

  @Test
  void originJsonReadsBackWhatItWrites() throws Exception {
    for (Origin origin : List.of(new Origin("a", 1, null, null), new Origin("é\"\n\\", Long.MAX_VALUE, "h", "n"))) {
      byte[] written = OriginJson.write(origin);
      try (var p = JsonLimits.parser(written, 0, written.length)) {
        p.nextToken();
        assertEquals(origin, OriginJson.read(p));
      }
    }
  }
}
