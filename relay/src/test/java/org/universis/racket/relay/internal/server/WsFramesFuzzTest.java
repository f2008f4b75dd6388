package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;

/**
 * The WebSocket frame parser, fuzzed through a relay in this JVM over a real socket: after an
 * upgrade (and a hello, or not), frames of any header, length and mask, complete or cut short. The
 * relay answers or closes, no listener of Undertow's or XNIO's throws, and it still answers
 * {@code /health} afterwards.
 */
class WsFramesFuzzTest {

  private static Relay relay;
  private static final List<LogRecord> THROWN = new CopyOnWriteArrayList<>();
  // XNIO reports an exception a read listener let out through java.util.logging, and goes on.
  private static final Handler RECORDER = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getThrown() != null || r.getLevel().intValue() >= Level.SEVERE.intValue()) THROWN.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeAll
  static void start() {
    Logger.getLogger("").addHandler(RECORDER);
    relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).maxEventSize(4096).build());
  }

  @AfterAll
  static void stop() {
    if (relay != null) relay.close();
    Logger.getLogger("").removeHandler(RECORDER);
  }

  @FuzzTest(maxDuration = "30s")
  void wsFrames(FuzzedDataProvider data) throws IOException {
    // Jazzer reports a connection as a finding (SSRF) unless allowed: these are the test's own.
    try (SilentCloseable toTheRelay = BugDetectors.allowNetworkConnections((host, port) -> port == relay.port())) {
      sendAndCheck(data);
    }
  }

  private static void sendAndCheck(FuzzedDataProvider data) throws IOException {
    try (RawWebSocket ws = new RawWebSocket(relay.port())) {
      if (data.consumeBoolean()) ws.hello();
      ws.readTimeout(5_000); // a bound with room for a loaded machine: a relay that hangs passes it
      ByteArrayOutputStream frames = new ByteArrayOutputStream();
      for (int n = data.consumeInt(1, 6); n > 0 && data.remainingBytes() > 0; n--) {
        frame(data, frames);
      }
      ws.send(frames.toByteArray());
      ws.endOutput(); // the relay reads all of it, then the end, and closes
      drain(ws); // until it closes, within the socket's bound
    } catch (IOException e) {
      // the relay closed the connection while the frames went out: an answer too
    }
    assertTrue(THROWN.isEmpty(), () -> "a listener threw: " + THROWN.get(0).getMessage() + " " + THROWN.get(0).getThrown());
    assertEquals("HTTP/1.1 200", health());
  }

  // A frame as a client writes one, or not quite: any first byte, masked or not, a declared length
  // that is the payload's or more, in any of the three length forms.
  private static void frame(FuzzedDataProvider data, ByteArrayOutputStream out) {
    int first = data.consumeInt(0, 255);
    boolean masked = data.consumeInt(0, 7) > 0;
    byte[] payload = data.consumeBytes(data.consumeInt(0, 512));
    long declared = switch (data.consumeInt(0, 3)) {
      case 0 -> payload.length + data.consumeInt(1, 16); // cut short
      case 1 -> data.consumeLong(0, Long.MAX_VALUE); // anything, up to 2^63 - 1
      default -> payload.length;
    };
    int form = declared > 65535 ? 127 : declared > 125 || data.consumeBoolean() && declared > 0 ? 126 : (int) declared;
    if (form == 126 && declared > 65535) form = 127;
    out.write(first);
    out.write((masked ? 0x80 : 0) | form);
    if (form == 126) {
      out.write((int) (declared >>> 8));
      out.write((int) declared);
    } else if (form == 127) {
      for (int shift = 56; shift >= 0; shift -= 8) out.write((int) (declared >>> shift));
    }
    int mask = masked ? data.consumeInt() : 0;
    if (masked) for (int shift = 24; shift >= 0; shift -= 8) out.write(mask >>> shift);
    for (int i = 0; i < payload.length; i++) out.write(payload[i] ^ (mask >>> (24 - 8 * (i & 3))));
  }

  private static void drain(RawWebSocket ws) throws IOException {
    try {
      while (ws.read().opcode() != RawWebSocket.CLOSE) {
        // pongs, errors, acks: until the relay closes (it ends the socket 2 s later)
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the relay neither closed nor answered within 5 s of the end of the input");
    } catch (IOException e) {
      // closed or reset by the relay
    }
  }

  private static String health() throws IOException {
    try (Socket s = new Socket("127.0.0.1", relay.port())) {
      s.setSoTimeout(2_000);
      s.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
    }
  }
}
