package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;
import org.universis.racket.relay.internal.codec.MalformedEventException;

class WsMessageTest {

  // The frame sits inside a larger buffer, as it does in the relay's read buffer: nothing around it
  // may be read.
  private static List<WsMessage> parse(String frame) {
    byte[] inBuffer = ("}\n" + frame + "\n{\"op\"").getBytes(StandardCharsets.UTF_8);
    return WsMessage.parseFrame(inBuffer, 2, inBuffer.length - 6);
  }

  private static String body(WsMessage m) {
    return new String(m.frame(), m.bodyFrom(), m.bodyLength(), StandardCharsets.UTF_8);
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
  void theJvmClientsEmitLinesReadByPositionAsJacksonReadsThem() {
    // The layout Outbox writes; then a hello, and emits in another layout, read by Jackson.
    String frame = "{\"op\":\"emit\",\"seq\":1,\"type\":\"a.b\",\"body\":{\"type\":\"x\",\"s\":\"q\\\"\\\\\\u00e9\\n\","
        + "\"n\":[-0.5e-3,0,1E+2,true,false,null,{}],\"e\":[]}}\n"
        + "{\"op\":\"emit\",\"seq\":2,\"type\":\"a\",\"body\":\"caf\u00e9 \u2603\"}\n"
        + "{\"op\":\"emit\",\"seq\":3,\"type\":\"a\",\"body\":{ \"spaced\" : [ 1 ,\r\n 2 ] }}"
        + "{\"op\":\"emit\",\"seq\":4,\"type\":\"a\",\"body\":7}\n"
        + "{\"op\":\"types\",\"types\":\"a.>\"}\n"
        + "{\"op\":\"emit\",\"seq\":5,\"type\":\"a\",\"body\":[1]}\n";
    byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
    List<WsMessage> fast = WsMessage.parseFrame(bytes, 0, bytes.length);
    List<WsMessage> jackson = WsMessage.parseWithJackson(bytes);
    assertEquals(6, fast.size());
    assertEquals(describe(jackson), describe(fast));
    assertEquals("{ \"spaced\" : [ 1 ,   2 ] }", body(fast.get(2)), "line breaks in a body become spaces");
  }

  @Test
  void aBodyThePositionalReadingCannotVouchForIsLeftToJackson() {
    for (String body : List.of("01", "1.", "-", "[1,]", "{\"a\":1,}", "\"\\x\"", "\"tab\there\"", "tru",
        "nul", "{\"a\" 1}", "[1 2]", "\"\\u12G4\"", "1e", ".5", "+1", "{'a':1}", "[", "{")) {
      assertRefused("malformed JSON", "{\"op\":\"emit\",\"seq\":1,\"type\":\"a\",\"body\":" + body + "}\n");
    }
    // Deeper than the positional reading goes, and still valid: Jackson accepts it.
    String deep = "[".repeat(100) + "]".repeat(100);
    WsMessage m = parse("{\"op\":\"emit\",\"seq\":1,\"type\":\"a\",\"body\":" + deep + "}").get(0);
    assertEquals(deep, body(m));
  }

  private static List<String> describe(List<WsMessage> ms) {
    return ms.stream().map(m -> m.op() + " " + m.seq() + " " + m.type() + " " + m.types() + " "
        + (m.hasBody() ? body(m) : null) + " " + m.bodyType()).toList();
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

  @Test
  void framesPastAParseLimitTruncatedOrOfTheWrongTypesAreRefused() {
    String deep = "[".repeat(1001) + "]".repeat(1001);
    assertRefused("nested deeper than 1000 levels", "{\"op\":\"emit\",\"seq\":1,\"type\":\"a\",\"body\":" + deep + "}");
    assertRefused("nested deeper than 1000 levels", "{\"op\":\"emit\",\"seq\":1,\"body\":" + "{\"a\":".repeat(100_000));
    String huge = "9".repeat(5_000);
    assertRefused("number longer than 1000 characters", "{\"op\":\"emit\",\"seq\":1,\"type\":\"a\",\"body\":" + huge + "}");
    assertRefused("number longer than 1000 characters", "{\"op\":\"emit\",\"seq\":" + huge + ",\"type\":\"a\",\"body\":1}");
    assertRefused("out of range", "{\"op\":\"emit\",\"seq\":99999999999999999999,\"type\":\"a\",\"body\":1}");
    assertRefused("malformed JSON", "{\"op\":\"emit\",\"seq\":1,\"type\":\"a\",\"body\":{\"k\":1}");
    assertRefused("malformed JSON", "{\"op\":\"emit\",\"seq\":1,\"type\":\"a\",\"body\":\"cut");
    assertRefused("\"op\" must be a string", "{\"op\":[\"emit\"]}");
    assertRefused("\"seq\" must be an integer", "{\"op\":\"emit\",\"seq\":1.5}");
    assertRefused("\"origin\" must be an object", "{\"op\":\"hello\",\"origin\":[\"id\"]}");
    assertRefused("\"types\" must be a string", "{\"op\":\"types\",\"types\":{}}");
  }

  private static void assertRefused(String says, String frame) {
    MalformedEventException e = assertThrows(MalformedEventException.class, () -> parse(frame));
    assertTrue(e.getMessage().contains(says), "'" + e.getMessage() + "' says " + says);
  }
}
