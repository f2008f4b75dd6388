package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.codec.WebSocketAccept;

/**
 * A peer on the relay's port that sends what no relay would: the client drops the connection,
 * says why without the line (it may hold an event body), delivers nothing, and reconnects.
 */
class MalformedRelayTest {

  private static final String SECRET = "s3cret-body";

  private final PrintStream realErr = System.err;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void captureStderr() {
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(realErr);
  }

  @Test
  void aMalformedLineDropsTheConnectionAndIsLoggedWithoutItsBytes() throws Exception {
    String[] lines = {
        "{\"id\":5,\"type\":\"a.b\",\"time\":1,\"origin\":{\"id\":\"o\",\"pid\":1,\"host\":null,\"name\":null},"
            + "\"seq\":1,\"body\":{\"k\":\"" + SECRET + "\"", // cut short
        "{\"id\":5,\"type\":\"a.b\",\"body\":{\"k\":" + SECRET + "}}", // not JSON
        "{\"id\":5,\"type\":\"a.b\",\"body\":" + "[".repeat(1001) + "]".repeat(1001) + "}",
    };
    try (ServerSocket fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      fake.setSoTimeout(10_000);
      List<String> received = new ArrayList<>();
      ProcessEventEmitter client = new ProcessEventEmitter(RacketOptions.builder()
          .url("http://127.0.0.1:" + fake.getLocalPort()).mode(RacketOptions.Mode.CLIENT).build());
      try {
        client.subscribe(e -> received.add(e.type()));
        for (String line : lines) {
          try (Socket s = fake.accept()) { // the first connection, then each reconnect
            s.setSoTimeout(5_000); // the client's heartbeat would end a silent connection after 15 s
            upgrade(s);
            send(s, "{\"op\":\"welcome\",\"relay\":\"fake\",\"lastId\":0,\"maxEventSize\":1048576,\"queueSize\":100}");
            send(s, line);
            assertTrue(closedByClient(s.getInputStream()), "the client ends the connection at once");
          }
        }
      } finally {
        client.close();
      }
      assertEquals(List.of(), received);
    }
    String logged = err.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("dropping the connection to the relay: the relay sent a malformed line"), logged);
    assertFalse(logged.contains(SECRET), logged);
  }

  // Reads the upgrade and answers it, then reads the client's first frame (its hello).
  private static void upgrade(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("closed during the upgrade");
      head.append((char) b);
    }
    String key = head.toString().lines().filter(h -> h.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18))
        .findFirst().orElseThrow().substring(18).trim();
    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + WebSocketAccept.of(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    in.read(); // fin and opcode
    skipFrame(in); // the hello
  }

  private static void send(Socket s, String line) throws IOException {
    byte[] text = (line + "\n").getBytes(StandardCharsets.UTF_8);
    OutputStream out = s.getOutputStream();
    out.write(0x81);
    if (text.length < 126) {
      out.write(text.length);
    } else {
      out.write(126);
      out.write(text.length >>> 8);
      out.write(text.length);
    }
    out.write(text);
    out.flush();
  }

  // Whether the client closes (a close frame, or the end of the stream) before the socket's timeout.
  private static boolean closedByClient(InputStream in) throws IOException {
    try {
      while (true) {
        int b0 = in.read();
        if (b0 < 0 || (b0 & 0x0F) == 8) return true;
        skipFrame(in); // a filter update, say
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  // After a client frame's first byte: its length, mask and payload.
  private static void skipFrame(InputStream in) throws IOException {
    long length = in.read() & 0x7F;
    if (length == 126) length = in.read() << 8 | in.read();
    else if (length == 127) for (int i = 0; i < 8; i++) length = length << 8 | in.read();
    in.readNBytes(4 + (int) length);
  }
}
