package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.codec.JsonSlice;

/**
 * The relay's own WebSocket framing (RFC 6455), byte by byte from a raw socket: what the JDK
 * client in the other tests never sends (fragments, pings, unmasked or invalid frames) and the
 * three header sizes in both directions.
 */
class WsConnectionTest {

  private Relay relay;

  @BeforeEach
  void start() {
    relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).maxEventSize(256 * 1024)
        .ioThreads(2).build());
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  @Test
  void fragmentsAreJoinedPingsAnsweredAndCloseEchoed() throws Exception {
    try (Raw ws = new Raw(relay.port())) {
      byte[] hello = ("{\"op\":\"hello\",\"origin\":{\"id\":\"raw\",\"pid\":1,\"host\":\"h\",\"name\":null},"
          + "\"types\":\"\"}").getBytes(StandardCharsets.UTF_8);
      ws.send(false, 1, slice(hello, 0, 10));
      ws.send(true, 9, "are you there".getBytes(StandardCharsets.UTF_8));
      ws.send(false, 0, slice(hello, 10, 30));
      ws.send(true, 0, slice(hello, 30, hello.length));
      Frame pong = ws.next();
      assertEquals(10, pong.opcode);
      assertEquals("are you there", pong.text());
      assertTrue(ws.next().text().startsWith("{\"op\":\"welcome\""));
      // 16-bit and 64-bit lengths, both ways: the emit comes back as an event in one frame.
      String small = "x".repeat(200);
      String large = "y".repeat(100_000);
      ws.send(true, 1, ("{\"op\":\"emit\",\"seq\":1,\"type\":\"a\",\"body\":\"" + small + "\"}")
          .getBytes(StandardCharsets.UTF_8));
      assertTrue(ws.untilEvent().contains(small));
      ws.send(true, 1, ("{\"op\":\"emit\",\"seq\":2,\"type\":\"a\",\"body\":\"" + large + "\"}")
          .getBytes(StandardCharsets.UTF_8));
      assertTrue(ws.untilEvent().contains(large));
      ws.send(true, 8, new byte[] {0x03, (byte) 0xe8});
      Frame close = ws.next();
      assertEquals(8, close.opcode);
      assertEquals(1000, ByteBuffer.wrap(close.payload).getShort());
      assertEquals(-1, ws.in.read(), "the relay closes the socket after its close frame");
    }
  }

  @Test
  void aConnectionThatSaysNoHelloWithinAHeartbeatPeriodIsClosedAndOneThatDidStays() throws Exception {
    relay.close();
    relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).heartbeatSeconds(1).build());
    try (Raw greeted = new Raw(relay.port()); Raw silent = new Raw(relay.port())) {
      greeted.send(true, 1, ("{\"op\":\"hello\",\"origin\":{\"id\":\"g\"},\"types\":null}")
          .getBytes(StandardCharsets.UTF_8));
      assertTrue(greeted.next().text().startsWith("{\"op\":\"welcome\""));
      String error = silent.next().text();
      assertTrue(error.contains("no hello within 1 s"), error);
      assertEquals(1008, silent.closeCode());
      // The greeted connection's deadline passed before the silent one's: it is still served.
      greeted.send(true, 1, "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
      assertEquals("{\"op\":\"pong\"}", greeted.next().text().trim());
    }
  }

  @Test
  void framesWrittenWhileReadersLagArriveIntact() throws Exception {
    // The relay builds frames in one buffer per IO thread and reuses it as soon as send returns;
    // frames for a lagging client, batched, outgrow its first 64 KiB. Clients that do not read
    // make sends wait; what waits must be a copy, or the next frame built on that thread (for
    // another client) would overwrite it. Three lagging clients on two IO threads: at least two
    // share one.
    List<Raw> clients = new java.util.ArrayList<>();
    try {
      for (int c = 0; c < 3; c++) {
        Raw ws = new Raw(relay.port(), 4096);
        clients.add(ws);
        ws.send(true, 1, ("{\"op\":\"hello\",\"origin\":{\"id\":\"lag" + c + "\"},\"types\":\"lag\"}")
            .getBytes(StandardCharsets.UTF_8));
        assertTrue(ws.next().text().startsWith("{\"op\":\"welcome\""));
      }
      TestClients.postLagEvents("http://127.0.0.1:" + relay.port()); // unread meanwhile
      for (Raw ws : clients) {
        int seen = 0;
        while (seen < TestClients.LAG_EVENTS) {
          for (String line : ws.next().text().split("\n")) TestClients.assertLagEvent(seen++, line);
        }
      }
    } finally {
      for (Raw ws : clients) ws.close();
    }
  }

  @Test
  void aBadEmitDropsTheEmitsBeforeItInItsFrameAndNoneOfTheNextFrame() throws Exception {
    // Two frames in one write, read at once: a good emit then one without a seq, and another good
    // emit. The bad message ends the connection (once the read is done) and takes the good emit
    // before it, not numbered yet, along: it must not ride in with the next frame's.
    try (Raw sub = new Raw(relay.port()); Raw pub = new Raw(relay.port())) {
      sub.send(true, 1, "{\"op\":\"hello\",\"origin\":{\"id\":\"s\"},\"types\":\"drop.*\"}"
          .getBytes(StandardCharsets.UTF_8));
      assertTrue(sub.next().text().startsWith("{\"op\":\"welcome\""));
      pub.send(true, 1, "{\"op\":\"hello\",\"origin\":{\"id\":\"p\"},\"types\":null}"
          .getBytes(StandardCharsets.UTF_8));
      assertTrue(pub.next().text().startsWith("{\"op\":\"welcome\""));
      ByteArrayOutputStream frames = new ByteArrayOutputStream();
      String goodThenBad = "{\"op\":\"emit\",\"seq\":1,\"type\":\"drop.first\",\"body\":1}\n"
          + "{\"op\":\"emit\",\"type\":\"drop.bad\",\"body\":2}";
      String good = "{\"op\":\"emit\",\"seq\":2,\"type\":\"drop.second\",\"body\":3}";
      frames.write(Raw.frame(true, 1, goodThenBad.getBytes(StandardCharsets.UTF_8)));
      frames.write(Raw.frame(true, 1, good.getBytes(StandardCharsets.UTF_8)));
      pub.out.write(frames.toByteArray());
      pub.out.flush();
      String events = sub.untilEvent();
      assertTrue(events.contains("drop.second"), events);
      assertFalse(events.contains("drop.first"), events);
      assertTrue(pub.next().text().contains("emit needs a \\\"seq\\\""));
    }
  }

  @Test
  void framesThatArriveAByteAtATimeAreReassembled() throws Exception {
    try (Raw ws = new Raw(relay.port())) {
      ws.socket.setTcpNoDelay(true);
      ws.bytewise = true;
      ws.send(true, 9, "one".getBytes(StandardCharsets.UTF_8));
      ws.send(true, 9, "x".repeat(300).substring(0, 125).getBytes(StandardCharsets.UTF_8));
      ws.send(true, 1, ("{\"op\":\"hello\",\"origin\":{\"id\":\"" + "o".repeat(200) + "\"},\"types\":\"\"}")
          .getBytes(StandardCharsets.UTF_8));
      assertEquals("one", ws.next().text());
      assertEquals(125, ws.next().payload.length);
      assertTrue(ws.next().text().startsWith("{\"op\":\"welcome\""));
    }
  }

  @Test
  void framesOfTwoPublishersStraddlingReadsOnOneIoThreadArriveIntact() throws Exception {
    // One IO thread: both publishers' incomplete frames are held at once, and the thread lends its
    // spare buffer to one of them at a time. Frames over the 64 KiB read buffer never fit in it.
    relay.close();
    relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).maxEventSize(256 * 1024)
        .ioThreads(1).build());
    List<String> sent = new ArrayList<>();
    List<String> received = new ArrayList<>();
    try (Raw sub = new Raw(relay.port()); Raw a = new Raw(relay.port()); Raw b = new Raw(relay.port())) {
      sub.send(true, 1, "{\"op\":\"hello\",\"origin\":{\"id\":\"sub\"},\"types\":\"\"}".getBytes(StandardCharsets.UTF_8));
      assertTrue(sub.next().text().startsWith("{\"op\":\"welcome\""));
      Raw[] publishers = {a, b};
      for (int k = 0; k < 2; k++) {
        publishers[k].send(true, 1, ("{\"op\":\"hello\",\"origin\":{\"id\":\"pub" + k + "\"},\"types\":null}")
            .getBytes(StandardCharsets.UTF_8));
        assertTrue(publishers[k].next().text().startsWith("{\"op\":\"welcome\""));
      }
      int seq = 0;
      for (int round = 0; round < 3; round++) {
        byte[][] frames = new byte[2][];
        for (int k = 0; k < 2; k++) {
          StringBuilder lines = new StringBuilder();
          for (int line = 0; line < 10; line++) {
            String body = (k == 0 ? "a" : "b") + round + "-" + line + "-" + "xyz".repeat(5000 - 700 * round + line);
            sent.add(body);
            if (line > 0) lines.append('\n');
            lines.append("{\"op\":\"emit\",\"seq\":").append(++seq).append(",\"type\":\"t\",\"body\":\"")
                .append(body).append("\"}");
          }
          frames[k] = Raw.frame(true, 1, lines.toString().getBytes(StandardCharsets.UTF_8));
        }
        // Each frame in three parts, the publishers taking turns. The subscriber's ping after each
        // part: once its pong is back, the relay has seen the part (same thread, earlier data) and
        // reads the next one after it.
        for (int part = 0; part < 3; part++) {
          for (int k = 0; k < 2; k++) {
            byte[] f = frames[k];
            publishers[k].out.write(f, part * f.length / 3, (part + 1) * f.length / 3 - part * f.length / 3);
            publishers[k].out.flush();
            sub.send(true, 9, "sync".getBytes(StandardCharsets.UTF_8));
            for (Frame next = sub.next(); next.opcode != 10; next = sub.next()) bodies(next, received);
          }
        }
      }
      while (received.size() < sent.size()) bodies(sub.next(), received);
      assertEquals(sent.size(), received.size());
      assertEquals(new HashSet<>(sent), new HashSet<>(received));
      for (String who : new String[] {"a", "b"}) {
        assertEquals(sent.stream().filter(x -> x.startsWith(who)).toList(),
            received.stream().filter(x -> x.startsWith(who)).toList(), who + "'s events in order");
      }
    }
  }

  private static final Pattern BODY = Pattern.compile("\"body\":\"([^\"]*)\"");

  private static void bodies(Frame frame, List<String> out) {
    for (Matcher m = BODY.matcher(frame.text()); m.find(); ) out.add(m.group(1));
  }

  @Test
  void invalidUtf8UnmaskedFramesAndOversizedMessagesAreClosedWithTheirCodes() throws Exception {
    try (Raw ws = new Raw(relay.port())) {
      ws.send(true, 1, new byte[] {'{', (byte) 0xc0, (byte) 0xaf, '}'});
      assertEquals(1007, ws.closeCode());
    }
    try (Raw ws = new Raw(relay.port())) {
      ws.out.write(new byte[] {(byte) 0x81, 2, '{', '}'});
      assertEquals(1002, ws.closeCode());
    }
    try (Raw ws = new Raw(relay.port())) {
      // Over the limit in fragments: refused before the last one arrives.
      byte[] chunk = new byte[200 * 1024];
      ws.send(false, 1, chunk);
      ws.send(false, 0, chunk);
      assertEquals(1009, ws.closeCode());
    }
  }

  @Test
  void utf8IsCheckedPastAsciiIncludingOverlongFormsAndSurrogates() {
    assertTrue(isUtf8("plain {\"json\":1}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(isUtf8("héllo ✓ 😀".getBytes(StandardCharsets.UTF_8)));
    assertFalse(isUtf8(new byte[] {'a', (byte) 0xc0, (byte) 0xaf}));
    assertFalse(isUtf8(new byte[] {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80}));
    assertFalse(isUtf8(new byte[] {'a', (byte) 0xe2, (byte) 0x9c}));
    byte[] around = {(byte) 0xc0, 'o', 'k', (byte) 0xe2, (byte) 0x9c, (byte) 0x93, (byte) 0xc0};
    assertTrue(JsonSlice.isUtf8(around, 1, 6), "only the range is checked");
    assertFalse(JsonSlice.isUtf8(around, 1, 5), "a character cut at the range's end");
    // ASCII is skipped eight bytes at a time: a bad byte or a good character at every place.
    for (int at = 0; at < 20; at++) {
      String before = "a".repeat(at);
      String after = "b".repeat(20 - at);
      assertTrue(isUtf8((before + "é" + after).getBytes(StandardCharsets.UTF_8)), "é at " + at);
      byte[] bad = (before + "?" + after).getBytes(StandardCharsets.UTF_8);
      bad[at] = (byte) 0xff;
      assertFalse(isUtf8(bad), "0xff at " + at);
    }
  }

  private static boolean isUtf8(byte[] bytes) {
    return JsonSlice.isUtf8(bytes, 0, bytes.length);
  }

  private static byte[] slice(byte[] bytes, int from, int to) {
    return java.util.Arrays.copyOfRange(bytes, from, to);
  }

  private record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  /** A WebSocket client written out by hand, so every byte it sends is the test's choice. */
  private static final class Raw implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    /** Whether {@link #send} writes and flushes one byte at a time. */
    boolean bytewise;

    Raw(int port) throws IOException {
      this(port, 0);
    }

    /** @param receiveBuffer the socket's receive buffer in bytes, or 0 for the system's */
    Raw(int port, int receiveBuffer) throws IOException {
      socket = new Socket();
      if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
      socket.setSoTimeout(10_000);
      in = new DataInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      String key = "dGhlIHNhbXBsZSBub25jZQ==";
      out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String head = readHead();
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      // The example from RFC 6455, section 1.3.
      assertTrue(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), head);
    }

    private String readHead() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) head.write(in.readUnsignedByte());
      return head.toString(StandardCharsets.US_ASCII);
    }

    void send(boolean fin, int opcode, byte[] payload) throws IOException {
      byte[] frame = frame(fin, opcode, payload);
      if (!bytewise) {
        out.write(frame);
        out.flush();
        return;
      }
      for (byte b : frame) {
        out.write(b);
        out.flush();
      }
    }

    static byte[] frame(boolean fin, int opcode, byte[] payload) {
      ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
      frame.put((byte) ((fin ? 0x80 : 0) | opcode));
      if (payload.length < 126) frame.put((byte) (0x80 | payload.length));
      else if (payload.length < 65536) frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
      else frame.put((byte) (0x80 | 127)).putLong(payload.length);
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      frame.put(mask);
      for (int i = 0; i < payload.length; i++) frame.put((byte) (payload[i] ^ mask[i % 4]));
      return java.util.Arrays.copyOf(frame.array(), frame.position());
    }

    Frame next() throws IOException {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      assertEquals(0x80, b0 & 0xf0, "the relay sends whole frames without extensions");
      assertEquals(0, b1 & 0x80, "the relay does not mask");
      long length = b1 & 0x7f;
      if (length == 126) length = in.readUnsignedShort();
      else if (length == 127) length = in.readLong();
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return new Frame(b0 & 0x0f, payload);
    }

    /** The text of the next frame that holds an event, skipping acks. */
    String untilEvent() throws IOException {
      while (true) {
        String text = next().text();
        if (text.contains("\"seq\":") && text.contains("\"body\":")) return text;
      }
    }

    int closeCode() throws IOException {
      while (true) {
        Frame f = next();
        if (f.opcode == 8) return ByteBuffer.wrap(f.payload).getShort() & 0xffff;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
