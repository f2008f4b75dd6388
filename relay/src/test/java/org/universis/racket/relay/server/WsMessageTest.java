package org.universis.racket.relay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;
import org.universis.racket.relay.codec.MalformedEventException;

class WsMessageTest {

  private static List<WsMessage> parse(String frame) {
    return WsMessage.parseFrame(frame.getBytes(StandardCharsets.UTF_8));
  }

  private static String body(WsMessage m) {
    return new String(m.body(), StandardCharsets.UTF_8);
  }

  @Test
  void emitBodiesOfEveryKindAreSlicedExactlyWhereverTheyStand() {
    List<WsMessage> ms = parse("{\"op\":\"emit\",\"seq\":1,\"body\":12.5e3,\"type\":\"a\"}\n"
        + "{\"op\":\"emit\",\"body\" : \"x,y}\" , \"seq\":2}\n"
        + "{\"body\":[1,{\"type\":\"no\"}],\"op\":\"emit\",\"seq\":3}\n"
        + "{\"op\":\"emit\",\"seq\":4,\"body\":{\"type\":\"cache.a\",\"k\":{\"type\":\"inner\"}}}\n"
        + "{\"op\":\"emit\",\"seq\":5,\"body\":-7}\n{\"op\":\"emit\",\"seq\":6,\"body\":null}");
    assertEquals(List.of("12.5e3", "\"x,y}\"", "[1,{\"type\":\"no\"}]",
        "{\"type\":\"cache.a\",\"k\":{\"type\":\"inner\"}}", "-7", "null"),
        ms.stream().map(WsMessageTest::body).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ms.stream().map(WsMessage::seq).toList());
    assertEquals("a", ms.get(0).type());
    assertNull(ms.get(2).bodyType());
    assertEquals("cache.a", ms.get(3).bodyType());
  }

  @Test
  void helloCarriesOriginFilterAndResumeId() {
    WsMessage hello = parse("{\"op\":\"hello\",\"origin\":{\"id\":\"o\",\"pid\":42,\"host\":\"h\",\"name\":null,"
        + "\"extra\":[1]},\"types\":\"a.>\",\"lastEventId\":99}").get(0);
    assertEquals(new Origin("o", 42, "h", null), hello.origin());
    assertEquals("a.>", hello.types());
    assertEquals(99L, hello.lastEventId());
    assertNull(parse("{\"op\":\"types\",\"types\":null}").get(0).types());
  }

  @Test
  void malformedMessagesAreRefusedWithTheReason() {
    assertRefused("JSON object", "[1]");
    assertRefused("no \"op\"", "{\"seq\":1}");
    assertRefused("\"seq\" must be an integer", "{\"op\":\"emit\",\"seq\":\"1\"}");
    assertRefused("origin.id", "{\"op\":\"hello\",\"origin\":{\"pid\":1}}");
    assertRefused("malformed JSON", "{\"op\":\"emit\"");
  }

  private static void assertRefused(String says, String frame) {
    MalformedEventException e = assertThrows(MalformedEventException.class, () -> parse(frame));
    assertTrue(e.getMessage().contains(says), "'" + e.getMessage() + "' says " + says);
  }
}
