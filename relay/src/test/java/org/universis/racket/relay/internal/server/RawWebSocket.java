package org.universis.racket.relay.internal.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket client over a plain socket, byte by byte: it sends what no well-behaved client
 * would (bytes that are not UTF-8, frames of any header), and reads the relay's frames as they come.
 */
final class RawWebSocket implements AutoCloseable {

  static final int TEXT = 1;
  static final int CLOSE = 8;
  private static final AtomicLong ORIGINS = new AtomicLong();

  /** One frame from the relay. */
  record Frame(int opcode, byte[] payload) {
    /** A close frame's status code, or -1. */
    int code() {
      return opcode == CLOSE && payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : -1;
    }

    @Override
    public String toString() {
      return "opcode " + opcode + ": " + new String(payload, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  /** Connects and upgrades; reads time out after 5 s. */
  RawWebSocket(int port) throws IOException {
    this(port, null);
  }

  /** Connects and upgrades with one more header line (no line break), or none when null. */
  RawWebSocket(int port, String header) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(5_000);
    out = socket.getOutputStream();
    in = socket.getInputStream();
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
        + Base64.getEncoder().encodeToString(key) + "\r\n" + (header == null ? "" : header + "\r\n")
        + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("closed during the upgrade after " + head);
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) throw new IOException("no upgrade: " + head);
  }

  /** How long a read waits for the relay from now on. */
  void readTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /** Says hello as an emitter (no types) and reads the welcome. */
  void hello() throws IOException {
    sendText(("{\"op\":\"hello\",\"origin\":{\"id\":\"raw-" + ORIGINS.incrementAndGet()
        + "\",\"pid\":1,\"host\":null,\"name\":\"raw\"},\"types\":null}").getBytes(StandardCharsets.UTF_8));
    Frame welcome = textFrame();
    if (!new String(welcome.payload(), StandardCharsets.UTF_8).contains("\"welcome\"")) {
      throw new IOException("no welcome: " + welcome);
    }
  }

  void sendText(byte[] payload) throws IOException {
    send(frame(0x80 | TEXT, payload, ThreadLocalRandom.current().nextInt()));
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends nothing more: the relay reads the end of the stream after what was sent. */
  void endOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** A client frame: the first byte as given, the payload masked with {@code mask}. */
  static byte[] frame(int first, byte[] payload, int mask) {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write(first);
    int n = payload.length;
    if (n < 126) {
      f.write(0x80 | n);
    } else if (n < 65536) {
      f.write(0x80 | 126);
      f.write(n >>> 8);
      f.write(n);
    } else {
      f.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) f.write((int) ((long) n >>> shift));
    }
    for (int shift = 24; shift >= 0; shift -= 8) f.write(mask >>> shift);
    for (int i = 0; i < n; i++) f.write(payload[i] ^ (mask >>> (24 - 8 * (i & 3))));
    return f.toByteArray();
  }

  /** The next frame; at the end of the stream, an IOException. */
  Frame read() throws IOException {
    int b0 = readByte();
    int b1 = readByte();
    long n = b1 & 0x7F;
    if (n == 126) n = (long) readByte() << 8 | readByte();
    else if (n == 127) for (int i = 0; i < 8; i++) n = n << 8 | readByte();
    if (n > 1 << 24) throw new IOException("a frame of " + n + " bytes");
    return new Frame(b0 & 0x0F, in.readNBytes((int) n));
  }

  /** The next text frame, past any other. */
  Frame textFrame() throws IOException {
    Frame f;
    while ((f = read()).opcode() != TEXT) {
      if (f.opcode() == CLOSE) throw new IOException("closed: " + f);
    }
    return f;
  }

  /** The next close frame, past any other. */
  Frame closeFrame() throws IOException {
    Frame f;
    while ((f = read()).opcode() != CLOSE) {
      // events, pongs, errors: not what is waited for
    }
    return f;
  }

  /** Answers the relay's close and tells whether the relay then ends the connection. */
  boolean closedByRelay() throws IOException {
    send(frame(0x80 | CLOSE, new byte[] {0x03, (byte) 0xE8}, 0));
    try {
      while (in.read() >= 0) {
        // the rest of what the relay sent before it closed
      }
      return true;
    } catch (SocketException e) {
      return true; // reset: the relay closed with our close frame unread
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) throw new IOException("the relay closed the connection");
    return b;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
