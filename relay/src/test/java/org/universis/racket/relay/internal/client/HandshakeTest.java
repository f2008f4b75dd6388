package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.codec.RelayProof;
import org.universis.racket.relay.internal.codec.WsFrames;

/** The relay's side of the handshake (PROTOCOL.md, Proving who is who). */
class HandshakeTest {

  private static final String TOKEN = "handshake-token";
  private Relay relay;
  private URI uri;

  @BeforeEach
  void start() {
    relay = Relay.start(RelayConfig.builder().port(0).token(TOKEN).daemonThreads(true).build());
    uri = URI.create("ws://127.0.0.1:" + relay.port() + "/ws");
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  @Test
  void aHelloThatDoesNotProveTheTokenIsRefusedAndCounted() throws Exception {
    long before = rejected401();
    assertRefused(",\"proof\":\"" + RelayProof.nonce() + "\"");
    assertRefused("");
    assertEquals(before + 2, rejected401());
  }

  @Test
  void aHelloThatProvesTheTokenIsWelcomed() throws Exception {
    Raw raw = new Raw(RelaySocket.open(uri, RelayProof.of(TOKEN), 5_000, 1 << 20, null));
    raw.send("{\"op\":\"hello\",\"origin\":{\"id\":\"proven\"},\"proof\":\"" + raw.socket.clientProof() + "\"}");
    assertTrue(raw.next().contains("\"op\":\"welcome\""));
    raw.socket.abort();
  }

  @Test
  void aRelayWithoutATokenProvesNothingAndAsksNothing() throws Exception {
    relay.close();
    relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).build());
    Raw raw = new Raw(RelaySocket.open(URI.create("ws://127.0.0.1:" + relay.port() + "/ws"),
        RelayProof.of(TOKEN), 5_000, 1 << 20, null));
    assertNull(raw.socket.clientProof());
    raw.send("{\"op\":\"hello\",\"origin\":{\"id\":\"open\"}}");
    assertTrue(raw.next().contains("\"op\":\"welcome\""));
    raw.socket.abort();
  }

  private void assertRefused(String proofField) throws Exception {
    Raw raw = new Raw(RelaySocket.open(uri, RelayProof.of(TOKEN), 5_000, 1 << 20, null));
    raw.send("{\"op\":\"hello\",\"origin\":{\"id\":\"unproven\"}" + proofField + "}");
    String answer = raw.next();
    assertTrue(answer.contains("\"error\":\"unauthorized\""), answer);
    assertEquals(1008, raw.closed.get(10, TimeUnit.SECONDS).code());
  }

  private long rejected401() throws Exception {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + relay.port() + "/metrics"))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("racket_requests_rejected_total{status=\"401\"} ")) {
        return Long.parseLong(line.substring(line.indexOf("} ") + 2).trim());
      }
    }
    throw new AssertionError(metrics);
  }

  /** A bare WebSocket: what it reads lands in a queue, how it closed in a future. */
  private static final class Raw {
    final RelaySocket socket;
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<RelaySocket.CloseReason> closed = new CompletableFuture<>();

    Raw(RelaySocket socket) {
      this.socket = socket;
      Thread reader = new Thread(() -> {
        try {
          closed.complete(socket.read(new RelaySocket.Listener() {
            @Override
            public boolean text(byte[] data, int length) {
              messages.add(new String(data, 0, length, StandardCharsets.UTF_8));
              return true;
            }

            @Override
            public void heard() {}
          }));
        } catch (IOException e) {
          closed.completeExceptionally(e);
        }
      }, "test-raw-reader");
      reader.setDaemon(true);
      reader.start();
    }

    void send(String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      byte[] frame = new byte[WsFrames.CLIENT_HEAD_ROOM + bytes.length];
      System.arraycopy(bytes, 0, frame, WsFrames.CLIENT_HEAD_ROOM, bytes.length);
      socket.sendText(frame, bytes.length);
    }

    String next() throws InterruptedException {
      String m = messages.poll(10, TimeUnit.SECONDS);
      if (m == null) throw new AssertionError("no message within 10 s");
      return m;
    }
  }
}
