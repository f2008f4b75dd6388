package org.universis.racket.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.codec.JsonSlice;
import org.universis.racket.relay.server.Relay;
import org.universis.racket.relay.server.RelayConfig;

/** The client's WebSocket framing against the real relay (Undertow checks masks and lengths). */
class RelaySocketTest {

  private static final String HELLO = "{\"op\":\"hello\","
      + "\"origin\":{\"id\":\"t\",\"pid\":1,\"host\":null,\"name\":null},\"types\":\"t\"}";

  private Relay relay;
  private RelaySocket socket;

  @AfterEach
  void close() {
    if (socket != null) socket.abort();
    if (relay != null) relay.close();
  }

  private URI start(RelayConfig.Builder config) {
    relay = Relay.start(config.port(0).daemonThreads(true).build());
    return URI.create("ws://127.0.0.1:" + relay.port() + "/ws");
  }

  @Test
  void bodiesOfEveryFrameLengthClassComeBackIntact() throws Exception {
    socket = RelaySocket.open(start(RelayConfig.builder()), null, 5_000, 64 << 20);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    startReader(lines);
    send(HELLO);
    assertTrue(next(lines).contains("\"op\":\"welcome\""));

    // Payload lengths around 125 (7-bit), 65,535 (16-bit) and beyond (64-bit), with a length not a
    // multiple of 8 and multi-byte characters, so that masking and every length form are checked.
    List<String> bodies = new ArrayList<>();
    for (int size : new int[] {1, 90, 125, 126, 65_480, 65_535, 65_536, 200_003}) {
      bodies.add("\"" + "é€x".repeat(size / 6) + "x".repeat(size % 6) + "\"");
    }
    for (int i = 0; i < bodies.size(); i++) {
      send("{\"op\":\"emit\",\"seq\":" + (i + 1) + ",\"type\":\"t\",\"body\":" + bodies.get(i) + "}");
    }
    List<String> events = new ArrayList<>();
    while (events.size() < bodies.size()) {
      String line = next(lines);
      if (line.contains("\"op\":\"ack\"")) continue;
      events.add(line);
    }
    for (int i = 0; i < bodies.size(); i++) {
      assertTrue(events.get(i).endsWith("\"body\":" + bodies.get(i) + "}"), "body " + i + " intact");
    }
  }

  @Test
  void aRefusedUpgradeKeepsItsStatusAndAStrangerIsNamed() throws Exception {
    URI uri = start(RelayConfig.builder().token("secret"));
    RelaySocket.HandshakeException refused = assertThrows(RelaySocket.HandshakeException.class,
        () -> RelaySocket.open(uri, "wrong", 5_000, 1 << 20));
    assertEquals(401, refused.status);
    socket = RelaySocket.open(uri, "secret", 5_000, 1 << 20);

    URI health = URI.create("ws://127.0.0.1:" + relay.port() + "/health");
    RelaySocket.HandshakeException notWs = assertThrows(RelaySocket.HandshakeException.class,
        () -> RelaySocket.open(health, "secret", 5_000, 1 << 20));
    assertTrue(notWs.status != 101, "not an upgrade: " + notWs.status);
  }

  @Test
  void aServerThatNeverAnswersTheUpgradeFailsTheOpenInTime() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      URI uri = URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/ws");
      long start = System.nanoTime();
      assertThrows(SocketTimeoutException.class, () -> RelaySocket.open(uri, null, 300, 1 << 20));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis < 5_000, "gave up after " + millis + " ms");
    }
  }

  @Test
  void aConnectionQuietForLongerThanTheHandshakeTimeoutLivesAndAbortEndsItsBlockedRead()
      throws Exception {
    socket = RelaySocket.open(start(RelayConfig.builder()), null, 200, 1 << 20);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = startReader(lines);
    send(HELLO);
    assertTrue(next(lines).contains("\"op\":\"welcome\""));
    // The silence is what is tested: a read still under the handshake's 200 ms timeout would end
    // the reader well within this second (reads must block for as long as the relay is quiet).
    reader.join(1_000);
    assertTrue(reader.isAlive(), "the reader outlived a second of silence");
    send("{\"op\":\"emit\",\"seq\":1,\"type\":\"t\",\"body\":1}");
    String first = next(lines);
    assertTrue(first.contains("\"op\":\"ack\"") || first.contains("\"body\":1"), first);
    assertTrue(reader.isAlive(), "the reader is still reading");

    socket.abort();
    reader.join(5_000);
    assertFalse(reader.isAlive(), "abort() ends a read blocked on a quiet connection");
  }

  @Test
  void lineEndsAreFoundAtEveryPosition() {
    for (int length = 0; length < 40; length++) {
      for (int at = 0; at <= length; at++) {
        byte[] text = "é".repeat(length).getBytes(StandardCharsets.UTF_8);
        int n = Math.min(length, text.length);
        if (at < n) text[at] = '\n';
        int expected = at < n ? at : n;
        assertEquals(expected, JsonSlice.lineEnd(text, 0, n), "length " + n + ", newline at " + at);
        if (at < n && at > 0) assertEquals(at, JsonSlice.lineEnd(text, 1, n));
      }
    }
  }

  // Reads every line the relay sends into `lines` until the connection ends.
  private Thread startReader(BlockingQueue<String> lines) {
    Thread reader = new Thread(() -> {
      try {
        socket.read(new RelaySocket.Listener() {
          @Override
          public void text(byte[] data, int length) {
            String text = new String(data, 0, length, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) lines.add(line);
          }

          @Override
          public void heard() {}
        });
      } catch (IOException e) {
        // closed by the test
      }
    });
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private void send(String message) throws IOException {
    byte[] payload = message.getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[RelaySocket.HEADER_ROOM + payload.length];
    System.arraycopy(payload, 0, frame, RelaySocket.HEADER_ROOM, payload.length);
    socket.sendText(frame, payload.length);
  }

  private static String next(BlockingQueue<String> lines) throws InterruptedException {
    String line = lines.poll(10, TimeUnit.SECONDS);
    if (line == null) throw new AssertionError("nothing from the relay within 10 s");
    return line;
  }
}
