package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;
import org.universis.racket.relay.internal.codec.Ack;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.relay.internal.codec.OriginJson;

/**
 * The reader's two ways of reading a line, by position for the relay's own layout and with Jackson
 * for any other, must agree on every field.
 */
class WireReaderTest {

  private final List<ReceivedEvent> events = new ArrayList<>();
  private final List<RelayMessage> messages = new ArrayList<>();
  private final WireReader reader = new WireReader();
  private final WireReader.Sink sink = new WireReader.Sink() {
    @Override
    public void event(ReceivedEvent event) {
      events.add(event);
    }

    @Override
    public void message(RelayMessage message) {
      messages.add(message);
    }
  };

  private void read(String... lines) throws Exception {
    byte[] text = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    reader.read(text, text.length, sink);
  }

  @Test
  void theRelaysEnvelopeAndTheSameEventLaidOutOtherwiseReadAlike() throws Exception {
    // A name with a quote, braces and non-ASCII, as an application may choose it.
    Origin origin = new Origin("o-1", 42, "h\u00f6st", "we\"ird {name}");
    String body = "{\"k\":[1,{\"n\":\"}\"}],\"s\":\"\u20ac\"}";
    String relayLine = new String(Envelope.encode(7_000_001, "cache.invalidate", 1_700_000_000_000L,
        OriginJson.write(origin), 3, body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    String reordered = "{ \"type\" : \"cache.invalidate\", \"id\":7000001, \"seq\":3,"
        + " \"origin\":{\"name\":\"we\\\"ird {name}\",\"id\":\"o-1\",\"host\":\"h\u00f6st\",\"pid\":42},"
        + " \"time\":1700000000000, \"body\":" + body + " }";
    read(relayLine, reordered);

    assertEquals(2, events.size());
    for (ReceivedEvent e : events) {
      assertEquals(7_000_001, e.id());
      assertEquals("cache.invalidate", e.type());
      assertEquals(1_700_000_000_000L, e.time().toEpochMilli());
      assertEquals(3, e.seq());
      assertEquals(origin, e.origin());
      assertEquals(Map.of("k", List.of(1, Map.of("n", "}")), "s", "\u20ac"), e.body());
    }
    assertEquals(relayLine, events.get(0).json());
  }

  @Test
  void anOriginSeenBeforeIsTheSameValueAndAChangedOneIsNot() throws Exception {
    byte[] a = OriginJson.write(new Origin("a", 1, null, null));
    byte[] b = OriginJson.write(new Origin("a", 1, null, "renamed"));
    byte[] body = "1".getBytes(StandardCharsets.UTF_8);
    read(new String(Envelope.encode(1, "t", 0, a, 1, body), StandardCharsets.UTF_8),
        new String(Envelope.encode(2, "t", 0, a, 2, body), StandardCharsets.UTF_8),
        new String(Envelope.encode(3, "t", 0, b, 3, body), StandardCharsets.UTF_8),
        new String(Envelope.encode(4, "t", 0, a, 4, body), StandardCharsets.UTF_8));
    assertSame(events.get(0).origin(), events.get(1).origin());
    assertEquals("renamed", events.get(2).origin().name());
    assertEquals(1, events.get(2).body());
    assertSame(events.get(0).origin(), events.get(3).origin());
    assertEquals(4, events.get(3).seq());
    assertEquals(1, events.get(3).body());
  }

  @Test
  void keyedEnvelopesInTheRelaysLayoutAndOtherwiseReadAlike() throws Exception {
    String origin = "{\"id\":\"o\",\"pid\":1,\"host\":null,\"name\":\"n\"}";
    read("{\"id\":5,\"type\":\"a\",\"time\":1,\"origin\":" + origin + ",\"o\":3,\"seq\":1,\"body\":1}",
        "{\"id\":6,\"type\":\"a\",\"time\":2,\"o\":3,\"seq\":2,\"body\":2}",
        "{ \"o\":3, \"id\":7, \"type\":\"a\", \"body\":3 }", // for Jackson
        "{\"id\":8,\"type\":\"a\",\"time\":2,\"origin\":{\"id\":\"p\"},\"o\":3,\"seq\":2,\"body\":4}",
        "{\"id\":9,\"type\":\"a\",\"time\":2,\"o\":3,\"seq\":2,\"body\":5}");
    Origin o = new Origin("o", 1, null, "n");
    Origin p = new Origin("p", 0, null, null);
    assertEquals(List.of(o, o, o, p, p), events.stream().map(ReceivedEvent::origin).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), events.stream().map(e -> ((Number) e.body()).longValue()).toList());
    assertThrows(WireReader.MalformedLine.class,
        () -> read("{\"id\":10,\"type\":\"a\",\"time\":2,\"o\":4,\"seq\":2,\"body\":5}"));
    assertThrows(WireReader.MalformedLine.class,
        () -> read("{\"id\":10,\"type\":\"a\",\"time\":2,\"o\":64,\"seq\":2,\"body\":5}"));
  }

  @Test
  void acksInTheRelaysLayoutAndOtherwiseReadAlike() throws Exception {
    read(new String(Ack.write(12, 61518051253248L, 1), StandardCharsets.UTF_8),
        "{\"op\":\"ack\",\"id\":61518051253248,\"seq\":12}",
        "{\"op\":\"ack\",\"seq\":12,\"id\":61518051253248,\"extra\":true}",
        "{\"op\":\"welcome\",\"relay\":\"r1\",\"lastId\":5,\"maxEventSize\":1024,\"queueSize\":100}");
    assertEquals(4, messages.size());
    for (RelayMessage m : messages.subList(0, 3)) {
      assertEquals("ack", m.op());
      assertEquals(12, m.seq());
      assertEquals(61518051253248L, m.id());
    }
    assertEquals(new RelayMessage("welcome", 0, 0, 0, "r1", 5, 1024, 100, null, null, null), messages.get(3));
  }

  @Test
  void runAcksReadAlikeInTheRelaysLayoutAndOtherwise() throws Exception {
    read(new String(Ack.write(12, 61518051253248L, 5), StandardCharsets.UTF_8),
        "{\"op\":\"ack\",\"count\":5,\"id\":61518051253248,\"seq\":12}",
        new String(Ack.write(13, 61518051253249L, 1), StandardCharsets.UTF_8));
    for (RelayMessage m : messages.subList(0, 2)) {
      assertEquals(12, m.seq());
      assertEquals(61518051253248L, m.id());
      assertEquals(5, m.count());
    }
    assertEquals(0, messages.get(2).count(), "a run of one has no count");
  }

  @Test
  void aLineThatIsNotTheProtocolIsRefusedWithAMessageThatNeverQuotesIt() throws Exception {
    String secret = "s3cret-body";
    byte[] origin = OriginJson.write(new Origin("o", 1, null, null));
    String good = new String(Envelope.encode(5, "a.b", 1, origin, 1,
        ("{\"k\":\"" + secret + "\"}").getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    String deep = "[".repeat(1001) + "\"" + secret + "\"" + "]".repeat(1001);
    for (String bad : List.of(
        good.substring(0, good.length() - 1), // cut short after the body's own brace
        good.substring(0, good.length() - 4) + "}", // cut inside the body
        good.replace("\"body\":", "\"body\":{\"x\":" + secret + "},\"extra\":"), // not JSON
        "{\"id\":5,\"type\":\"a\",\"body\":{\"k\":\"" + secret + "\"},\"seq\":1}", // body not last
        "{\"id\":\"5\",\"type\":\"a\",\"body\":\"" + secret + "\"}",
        "{\"id\":5,\"type\":{\"t\":\"a\"},\"body\":\"" + secret + "\"}",
        "{\"id\":5,\"type\":\"a\",\"origin\":[1],\"body\":\"" + secret + "\"}",
        "{\"id\":" + "9".repeat(5_000) + ",\"type\":\"a\",\"body\":\"" + secret + "\"}",
        "{\"id\":5,\"type\":\"a\",\"body\":" + deep + "}",
        "{\"id\":5,\"type\":\"a\",\"body\":\"" + secret + "\"} {}",
        "{\"op\":\"ack\",\"seq\":\"" + secret + "\"}",
        "{\"op\":{\"op\":\"ack\"},\"seq\":1}",
        "{\"op\":\"welcome\",\"maxEventSize\":-1}",
        "[\"" + secret + "\"]",
        "{\"id\":5,\"type\":\"a\",\"body\":" + secret + "}",
        // Found by WireReaderFuzzTest: the relay's layout, read by position, with a leading zero.
        good.replace("\"time\":1,", "\"time\":01,"),
        // Found by WireReaderFuzzTest: an empty type, off the relay's layout.
        "{\"id\":5,\"type\":\"\",\"body\":\"" + secret + "\"}")) {
      assertRefused(bad.getBytes(StandardCharsets.UTF_8), secret);
    }
    byte[] notUtf8 = good.replace(secret, "s3cret\u00e9").getBytes(StandardCharsets.UTF_8);
    notUtf8[notUtf8.length - 4] = (byte) 0xC3; // a lead byte followed by a quote
    notUtf8[notUtf8.length - 3] = '"';
    assertRefused(notUtf8, secret);
    assertEquals(List.of(), events);
  }

  @Test
  void theLinesBeforeARefusedOneAreDelivered() {
    byte[] origin = OriginJson.write(new Origin("o", 1, null, null));
    String good = new String(Envelope.encode(5, "a.b", 1, origin, 1, "{}".getBytes(StandardCharsets.UTF_8)),
        StandardCharsets.UTF_8);
    assertThrows(WireReader.MalformedLine.class, () -> read(good, "{\"id\":6", good));
    assertEquals(1, events.size());
  }

  private void assertRefused(byte[] line, String secret) {
    WireReader.MalformedLine e = assertThrows(WireReader.MalformedLine.class,
        () -> reader.read(line, line.length, sink), () -> new String(line, StandardCharsets.UTF_8));
    assertFalse(e.getMessage().contains(secret) || e.getMessage().contains("s3cret"), e.getMessage());
    assertTrue(e.getMessage().startsWith("the relay sent a malformed line of " + line.length + " bytes: "),
        e.getMessage());
  }
}
