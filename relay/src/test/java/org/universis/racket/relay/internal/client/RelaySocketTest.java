package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.codec.JsonSlice;
import org.universis.racket.relay.internal.codec.RelayProof;
import org.universis.racket.relay.internal.codec.WebSocketAccept;
import org.universis.racket.relay.internal.codec.WsFrames;

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
    socket = RelaySocket.open(start(RelayConfig.builder()), null, 5_000, 64 << 20, null);
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
        () -> RelaySocket.open(uri, null, 5_000, 1 << 20, null));
    assertEquals(401, refused.status);
    assertThrows(RelaySocket.WrongProofException.class,
        () -> RelaySocket.open(uri, RelayProof.of("wrong"), 5_000, 1 << 20, null));
    socket = RelaySocket.open(uri, RelayProof.of("secret"), 5_000, 1 << 20, null);
    assertTrue(socket.clientProof() != null, "the relay proved it knows the token");

    URI health = URI.create("ws://127.0.0.1:" + relay.port() + "/health");
    RelaySocket.HandshakeException notWs = assertThrows(RelaySocket.HandshakeException.class,
        () -> RelaySocket.open(health, RelayProof.of("secret"), 5_000, 1 << 20, null));
    assertTrue(notWs.status != 101, "not an upgrade: " + notWs.status);
  }

  @Test
  @Timeout(30) // a handshake timeout that no longer worked would block the open for ever
  void aServerThatNeverAnswersTheUpgradeFailsTheOpenInTime() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      URI uri = URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/ws");
      long start = System.nanoTime();
      assertThrows(SocketTimeoutException.class, () -> RelaySocket.open(uri, null, 300, 1 << 20, null));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis < 5_000, "gave up after " + millis + " ms");
    }
  }

  @Test
  void aConnectionQuietForLongerThanTheHandshakeTimeoutLivesAndAbortEndsItsBlockedRead()
      throws Exception {
    socket = RelaySocket.open(start(RelayConfig.builder()), null, 1_000, 1 << 20, null);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = startReader(lines);
    send(HELLO);
    assertTrue(next(lines).contains("\"op\":\"welcome\""));
    // The silence is what is tested: a read still under the handshake's 1 s timeout would end the
    // reader well within these 2 s (reads must block for as long as the relay is quiet).
    reader.join(2_000);
    assertTrue(reader.isAlive(), "the reader died in 2 s of silence");
    send("{\"op\":\"emit\",\"seq\":1,\"type\":\"t\",\"body\":1}");
    String first = next(lines);
    assertTrue(first.contains("\"op\":\"ack\"") || first.contains("\"body\":1"), first);
    assertTrue(reader.isAlive(), "the reader is still reading");

    socket.abort();
    reader.join(5_000);
    assertFalse(reader.isAlive(), "abort() ends a read blocked on a quiet connection");
  }

  @Test
  void aBigFrameEachWayKeepsLittleDirectMemory() throws Exception {
    // A peer that upgrades, sends one 8 MiB frame and reads one back; a java.net.Socket (which
    // never copies more than 128 KiB at a time through direct memory) on its side.
    int size = 8 << 20;
    CompletableFuture<Integer> echoed = new CompletableFuture<>();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread peer = new Thread(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          String head = WsUpgrade.readHead(in);
          String key = head.replaceAll("(?s).*Sec-WebSocket-Key: ([^\r]+).*", "$1");
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + WebSocketAccept.of(key)
              + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
          ByteBuffer header = ByteBuffer.allocate(10).put((byte) 0x81).put((byte) 127);
          out.write(header.putLong(size).array());
          byte[] payload = new byte[size];
          Arrays.fill(payload, (byte) '1');
          out.write(payload);
          out.flush();
          echoed.complete(in.readNBytes(14 + size).length - 14); // masked, 64-bit length
        } catch (IOException e) {
          echoed.completeExceptionally(e);
        }
      });
      peer.setDaemon(true);
      peer.start();
      long before = directBytes();
      socket = RelaySocket.open(URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/ws"), null,
          5_000, 64 << 20, null);
      CompletableFuture<Integer> received = new CompletableFuture<>();
      startReader(new RelaySocket.Listener() {
        @Override
        public boolean text(byte[] data, int length) {
          received.complete(length);
          return true;
        }

        @Override
        public void heard() {}
      });
      assertEquals(size, received.get(30, TimeUnit.SECONDS));
      socket.sendText(new byte[WsFrames.CLIENT_HEAD_ROOM + size], size);
      assertEquals(size, echoed.get(30, TimeUnit.SECONDS));
      // The reading thread (still alive) and this one each keep their temporary direct buffer.
      long grown = directBytes() - before;
      assertTrue(grown < 2 << 20, "direct memory grew by " + grown + " bytes for 8 MiB each way");
    }
  }

  @Test
  void framesWrittenByHandAreReadPingsAnsweredAndAMaskedFrameRefused() throws Exception {
    // A peer that upgrades, then sends RFC 6455's own examples: an unmasked ping "Hello", a text
    // message in two fragments (the second with a 16-bit length), and then a masked frame, which
    // a server must never send.
    CompletableFuture<byte[]> pong = new CompletableFuture<>();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread peer = new Thread(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          String key = WsUpgrade.readHead(in).replaceAll("(?s).*Sec-WebSocket-Key: ([^\r]+).*", "$1");
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + WebSocketAccept.of(key)
              + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
          out.write(new byte[] {(byte) 0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
          out.flush();
          byte[] frame = in.readNBytes(11); // 0x8a, 0x85, the mask, "Hello" masked
          for (int i = 0; i < 5; i++) frame[6 + i] ^= frame[2 + i % 4];
          pong.complete(frame);
          out.write(new byte[] {0x01, 0x03, 'H', 'e', 'l'});
          out.write(new byte[] {(byte) 0x80, 126, 0x00, (byte) 200});
          out.write("l".repeat(200).getBytes(StandardCharsets.US_ASCII));
          out.write(new byte[] {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 'x' ^ 1});
          out.flush();
          in.readAllBytes(); // until the client closes
        } catch (IOException e) {
          pong.completeExceptionally(e);
        }
      });
      peer.setDaemon(true);
      peer.start();
      socket = RelaySocket.open(URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/ws"), null,
          5_000, 1 << 20, null);
      List<String> texts = new ArrayList<>();
      IOException refused = assertThrows(IOException.class, () -> socket.read(new RelaySocket.Listener() {
        @Override
        public boolean text(byte[] data, int length) {
          texts.add(new String(data, 0, length, StandardCharsets.US_ASCII));
          return true;
        }

        @Override
        public void heard() {}
      }));
      byte[] answer = pong.get(10, TimeUnit.SECONDS);
      assertEquals(0x8a, answer[0] & 0xff, "a pong, whole");
      assertEquals(0x85, answer[1] & 0xff, "masked, of 5 bytes");
      assertEquals("Hello", new String(answer, 6, 5, StandardCharsets.US_ASCII));
      assertEquals(List.of("Hel" + "l".repeat(200)), texts);
      assertTrue(refused.getMessage().contains("frames from a server must not be masked"), refused.getMessage());
    }
  }

  private static long directBytes() {
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) return pool.getMemoryUsed();
    }
    throw new IllegalStateException("no direct buffer pool");
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
    return startReader(new RelaySocket.Listener() {
      @Override
      public boolean text(byte[] data, int length) {
        String text = new String(data, 0, length, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) lines.add(line);
        return true;
      }

      @Override
      public void heard() {}
    });
  }

  // Hands what the relay sends to the listener until the connection ends (the test closes it).
  private Thread startReader(RelaySocket.Listener listener) {
    Thread reader = new Thread(() -> {
      try {
        socket.read(listener);
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
    byte[] frame = new byte[WsFrames.CLIENT_HEAD_ROOM + payload.length];
    System.arraycopy(payload, 0, frame, WsFrames.CLIENT_HEAD_ROOM, payload.length);
    socket.sendText(frame, payload.length);
  }

  private static String next(BlockingQueue<String> lines) throws InterruptedException {
    String line = lines.poll(10, TimeUnit.SECONDS);
    if (line == null) throw new AssertionError("nothing from the relay within 10 s");
    return line;
  }
}
