package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.codec.RelayProof;
import org.universis.racket.relay.internal.codec.WebSocketAccept;
import org.universis.racket.relay.internal.server.Await;
import org.universis.racket.relay.internal.server.RelayProcess;

/**
 * A process that holds the relay's port first (docs/SECURITY.md, Impostors on the port) speaks
 * the WebSocket upgrade and as much of the protocol as it can: it learns no secret, and the client
 * delivers none of its events and completes no emit from its acks. With the real relay on the
 * port, the same client works.
 */
class SquatterTest {

  private static final String TOKEN = "s3cret-squatted";

  @Test
  void aSquatterThatClaimsToBeAnOpenRelayGetsNothingFromAClientWithAToken() throws Exception {
    squatted(false, RacketOptions.builder().mode(RacketOptions.Mode.CLIENT).token(TOKEN), TOKEN);
  }

  @Test
  void aSquatterThatForgesTheProofGetsNothingFromAClientWithAToken() throws Exception {
    squatted(true, RacketOptions.builder().mode(RacketOptions.Mode.CLIENT).token(TOKEN), TOKEN);
  }

  @Test
  void aSquatterThatForgesTheProofGetsNothingFromAnAutoClientWithThisUsersSecret() throws Exception {
    squatted(true, RacketOptions.builder().mode(RacketOptions.Mode.AUTO), null);
  }

  // The client's options `options` meet a squatter, then the real relay (with `token`, or hosted
  // by the client itself in auto mode).
  private static void squatted(boolean forgeProof, RacketOptions.Builder options, String token)
      throws Exception {
    String secret = UserSecret.of(RacketOptions.builder().build());
    int port = RelayProcess.freePort();
    try (Squatter squatter = new Squatter(port, forgeProof);
        ProcessEventEmitter e = new ProcessEventEmitter(options.url("http://127.0.0.1:" + port).build())) {
      List<ProcessEvent> got = new CopyOnWriteArrayList<>();
      e.subscribe(got::add);
      CompletableFuture<Long> emitted = e.emit("squat.mine", Map.of("n", 1));
      Await.until(() -> squatter.upgrades.get() >= 1, 30, "the client never connected");
      assertLearnsNothing(squatter.heard(), secret);
      Await.until(() -> squatter.upgrades.get() >= 3, 30, "the client stayed with the squatter");
      String heard = squatter.heard();
      assertLearnsNothing(heard, secret);
      assertFalse(heard.contains("\"op\""), "the client sent the squatter a message: " + heard);
      assertTrue(got.isEmpty(), "delivered from the squatter: " + got);
      assertFalse(emitted.isDone() && !emitted.isCompletedExceptionally(),
          "an emit completed from the squatter's ack");
      squatter.close();

      // The real relay: the same client gets its emit accepted and delivered.
      try (Relay relay = token == null ? null : Relay.start(RelayConfig.builder().port(port)
          .token(token).daemonThreads(true).build())) {
        e.emit("squat.real", Map.of("n", 2)).get(30, TimeUnit.SECONDS);
        Await.until(() -> got.stream().anyMatch(x -> x.type().equals("squat.real")), 30, got::toString);
        assertTrue(got.stream().noneMatch(x -> x.type().startsWith("forged")), got.toString());
      }
    }
  }

  private static void assertLearnsNothing(String heard, String secret) {
    assertTrue(heard.startsWith("GET /ws HTTP/1.1"), heard);
    assertFalse(heard.contains(TOKEN), "the token reached the squatter: " + heard);
    assertFalse(secret != null && heard.contains(secret), "the per-user secret reached the squatter");
    assertFalse(heard.toLowerCase(java.util.Locale.ROOT).contains("authorization"), heard);
  }

  /**
   * Holds the port: answers every upgrade with 101 (with no proof, or a made-up one), then a
   * welcome, forged events and acks for the first seqs, and records every byte it is sent, frames
   * unmasked.
   */
  private static final class Squatter implements AutoCloseable {
    final AtomicInteger upgrades = new AtomicInteger();
    private final ServerSocket server;
    private final boolean forgeProof;
    private final ByteArrayOutputStream heard = new ByteArrayOutputStream();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    Squatter(int port, boolean forgeProof) throws IOException {
      this.forgeProof = forgeProof;
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress("127.0.0.1", port));
      Thread accept = new Thread(this::accept, "test-squatter");
      accept.setDaemon(true);
      accept.start();
    }

    synchronized String heard() {
      return heard.toString(StandardCharsets.ISO_8859_1);
    }

    private synchronized void record(byte[] bytes, int length) {
      heard.write(bytes, 0, length);
    }

    private void accept() {
      try {
        while (true) {
          Socket s = server.accept();
          sockets.add(s);
          Thread t = new Thread(() -> serve(s), "test-squatter-conn");
          t.setDaemon(true);
          t.start();
        }
      } catch (IOException e) {
        // closed
      }
    }

    private void serve(Socket s) {
      try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        String head = WsUpgrade.readHead(in);
        byte[] headBytes = (head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        record(headBytes, headBytes.length);
        String key = header(head, "sec-websocket-key");
        String answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + WebSocketAccept.of(key) + "\r\n"
            + (forgeProof ? RelayProof.NONCE_HEADER + ": " + RelayProof.nonce() + "\r\n"
                + RelayProof.PROOF_HEADER + ": " + RelayProof.nonce() + "\r\n" : "")
            + "\r\n";
        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
        upgrades.incrementAndGet();
        String forged = "{\"op\":\"welcome\",\"relay\":\"squatter\",\"lastId\":1,\"maxEventSize\":1048576,"
            + "\"queueSize\":10000}\n"
            + "{\"id\":7,\"type\":\"forged.event\",\"time\":1,\"origin\":{\"id\":\"o\",\"pid\":1,"
            + "\"host\":\"h\",\"name\":null},\"seq\":0,\"body\":{}}\n"
            + "{\"op\":\"ack\",\"seq\":1,\"id\":8}\n{\"op\":\"ack\",\"seq\":2,\"id\":9}\n";
        byte[] payload = forged.getBytes(StandardCharsets.UTF_8);
        out.write(new byte[] {(byte) 0x81, 126, (byte) (payload.length >> 8), (byte) payload.length});
        out.write(payload);
        out.flush();
        readFrames(new DataInputStream(in));
      } catch (IOException e) {
        // the client went away
      }
    }

    // Records each client frame's payload, unmasked, so a secret inside one would show.
    private void readFrames(DataInputStream in) throws IOException {
      while (true) {
        in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long size = b1 & 0x7F;
        if (size == 126) size = in.readUnsignedShort();
        else if (size == 127) size = in.readLong();
        byte[] mask = new byte[4];
        if ((b1 & 0x80) != 0) in.readFully(mask);
        byte[] payload = new byte[(int) Math.min(size, 1 << 20)];
        in.readFully(payload);
        for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
        record(payload, payload.length);
      }
    }

    private static String header(String head, String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return "";
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) s.close();
    }
  }
}
