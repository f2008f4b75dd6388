package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.codec.RelayProof;

/**
 * A process without the token may upgrade {@code GET /ws} with a {@code Racket-Challenge}, but
 * until its hello proves the token it is one of few, brief and small connections: a crowd of them
 * does not lock out a client that has the token.
 */
class UnprovenIT {

  private static final String TOKEN = "unproven-it-token";
  private static RelayProcess relay;

  @BeforeAll
  static void start() throws Exception {
    // Fewer places than the crowd below, more than Unproven.MAX: without that limit the crowd
    // takes every place.
    relay = RelayProcess.start(List.of(), "--token", TOKEN, "--max-connections", "128");
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) relay.close();
  }

  @Test
  void aCrowdOfUnprovenConnectionsLeavesRoomForTheToken() throws Exception {
    List<Socket> crowd = new ArrayList<>();
    int upgraded = 0;
    int refused = 0;
    try {
      for (int i = 0; i < 200; i++) {
        Socket s = new Socket("127.0.0.1", relay.port());
        crowd.add(s);
        String head = challenge(s);
        if (head.startsWith("HTTP/1.1 101")) {
          upgraded++;
        } else {
          assertTrue(head.startsWith("HTTP/1.1 503"), head);
          assertTrue(body(s).contains("not proven the token"), head);
          refused++;
        }
      }
      // Every refusal is by the unproven limit (checked above), none by max-connections. The
      // count let in is not exact: the relay closes the first ones after their deadline.
      assertTrue(refused > 0 && upgraded > 0, upgraded + " upgraded, " + refused + " refused");

      try (RawWebSocket client = new RawWebSocket(relay.port(), "Authorization: Bearer " + TOKEN)) {
        client.sendText(("{\"op\":\"hello\",\"origin\":{\"id\":\"holder\",\"pid\":1,\"host\":null,"
            + "\"name\":\"holder\"},\"types\":\"probe\"}").getBytes(StandardCharsets.UTF_8));
        assertTrue(client.textFrame().toString().contains("\"welcome\""));
        client.sendText("{\"op\":\"emit\",\"seq\":1,\"type\":\"probe\",\"body\":{\"n\":42}}"
            .getBytes(StandardCharsets.UTF_8));
        String event;
        do {
          event = client.textFrame().toString();
        } while (!event.contains("\"n\":42"));
      }
    } finally {
      for (Socket s : crowd) s.close();
    }
  }

  @Test
  void anUnprovenConnectionThatSaysNothingIsClosedSoon() throws Exception {
    long[] start = new long[1];
    try (Socket s = upgraded(start)) {
      // Well within the heartbeat (15 s) that bounds a token holder's wait for its hello.
      s.setSoTimeout((int) (Unproven.HELLO_DEADLINE_SECONDS * 1000 + 3_000));
      InputStream in = s.getInputStream();
      assertEquals(0x81, in.read()); // the error, a text frame
      String error = new String(in.readNBytes(in.read()), StandardCharsets.UTF_8);
      long millis = (System.nanoTime() - start[0]) / 1_000_000;
      assertTrue(error.contains("no hello within " + Unproven.HELLO_DEADLINE_SECONDS + " s"), error);
      assertTrue(millis < Unproven.HELLO_DEADLINE_SECONDS * 1000 + 3_000, millis + " ms");
    }
  }

  @Test
  void anUnprovenConnectionCannotSendABigMessage() throws Exception {
    try (Socket s = upgraded(new long[1])) {
      byte[] big = new byte[Unproven.MAX_MESSAGE + 1];
      java.util.Arrays.fill(big, (byte) ' ');
      // Its header alone: the relay refuses by the declared length, before the bytes come.
      byte[] frame = RawWebSocket.frame(0x80 | RawWebSocket.TEXT, big, 7);
      s.getOutputStream().write(frame, 0, 14);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      assertEquals(0x88, in.read()); // a close frame, whole
      int length = in.read();
      byte[] payload = in.readNBytes(length);
      assertEquals(WsConnection.TOO_BIG, (payload[0] & 0xff) << 8 | payload[1] & 0xff);
    }
  }

  // An upgraded challenge connection; `upgradedAt` gets when. The relay gives back the places of
  // another test's crowd as it reads their closes, so a 503 is tried again, for a bounded while.
  private static Socket upgraded(long[] upgradedAt) throws Exception {
    Socket[] open = new Socket[1];
    Await.until(() -> {
      Socket s = new Socket("127.0.0.1", relay.port());
      upgradedAt[0] = System.nanoTime();
      if (challenge(s).startsWith("HTTP/1.1 101")) {
        open[0] = s;
        return true;
      }
      s.close();
      return false;
    }, 10, "an unproven place");
    return open[0];
  }

  // Sends an upgrade with a challenge and no token; returns the answer's head.
  private static String challenge(Socket s) throws IOException {
    s.setSoTimeout(5_000);
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    OutputStream out = s.getOutputStream();
    out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port() + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
        + Base64.getEncoder().encodeToString(key) + "\r\n" + RelayProof.CHALLENGE_HEADER + ": "
        + RelayProof.nonce() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder head = new StringBuilder();
    InputStream in = s.getInputStream();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("closed during the upgrade after " + head);
      head.append((char) b);
    }
    return head.toString();
  }

  // The rest of a refusal, up to the relay's close or a short pause.
  private static String body(Socket s) throws IOException {
    s.setSoTimeout(2_000);
    byte[] some = new byte[4096];
    int n = s.getInputStream().read(some);
    return n < 0 ? "" : new String(some, 0, n, StandardCharsets.UTF_8);
  }
}
