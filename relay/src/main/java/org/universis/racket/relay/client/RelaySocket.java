package org.universis.racket.relay.client;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.universis.racket.relay.codec.RelayProof;
import org.universis.racket.relay.codec.WebSocketAccept;

/**
 * One WebSocket connection to the relay (RFC 6455, client side) over a plain blocking socket,
 * working in bytes both ways: frames are read into a byte array that {@link WireReader} parses as
 * UTF-8 JSON, and written from the bytes {@link FrameWriter} assembled. The JDK's WebSocket
 * decoded every message to chars and re-encoded every send, which cost the client more than
 * anything else it did (docs/PERFORMANCE.md), and its HTTP client starts java.util.logging inside
 * the application.
 *
 * <p>One thread reads ({@link #read}); sends may come from any thread, one frame at a time. A
 * plain connection is a channel's socket: a thread interrupted during a send or a read closes it.
 */
final class RelaySocket {

  /** What a connection hands over as it reads. */
  interface Listener {
    /** A whole text message; {@code data} is reused for the next one. */
    void text(byte[] data, int length) throws IOException;

    /** Any frame arrived: the relay is alive. */
    void heard();
  }

  /** The relay answered the upgrade with something other than 101. */
  static final class HandshakeException extends IOException {
    final int status;

    HandshakeException(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /**
   * The server answered a challenge with a proof that is not the one the key gives: it does not
   * know the token (or has another one).
   */
  static final class WrongProofException extends IOException {
    WrongProofException(String message) {
      super(message);
    }
  }

  private static final int MAX_HEADER_BYTES = 16 << 10;
  private static final long CLOSE_LOCK_MILLIS = 100;
  private static final int OP_CONTINUATION = 0x0;
  private static final int OP_TEXT = 0x1;
  private static final int OP_BINARY = 0x2;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;
  /**
   * The most bytes one read or write asks of the socket. A channel's socket copies each through a
   * temporary direct buffer of that size, which its thread then keeps: a whole frame at once
   * would keep up to a message's size (max-event-size and more) of direct memory per thread.
   */
  private static final int MAX_IO = 128 << 10;
  /** Room for the longest header a client frame has: 2 + 8 (length) + 4 (mask). */
  static final int HEADER_ROOM = 14;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int maxMessageBytes;
  private final ReentrantLock writing = new ReentrantLock(); // one frame at a time on the wire
  private final byte[] control = new byte[HEADER_ROOM + 125]; // pong and close, under `writing`
  private byte[] message = new byte[64 << 10]; // the reader's only, as are the next two
  private int length; // of the message being joined from its frames, so far
  private boolean inMessage; // whether that message's last frame is still to come
  private volatile boolean closeSent;
  private final String clientProof;

  private RelaySocket(Socket socket, InputStream in, int maxMessageBytes, String clientProof)
      throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
    this.maxMessageBytes = maxMessageBytes;
    this.clientProof = clientProof;
  }

  /**
   * Connects and upgrades, blocking for at most about {@code timeoutMillis} per step.
   *
   * @param uri a {@code ws:} or {@code wss:} URI
   * @param proof the key to challenge the relay with (PROTOCOL.md, Proving who is who), or
   *     {@code null}; the token itself is never sent
   * @param maxMessageBytes the largest message {@link #read} accepts; a larger one is an error
   * @param tls the sockets of a {@code wss:} URI, which check the relay's certificate and name;
   *     {@code null} for {@code ws:}
   * @throws HandshakeException when the relay refuses the upgrade (its HTTP status is kept)
   * @throws WrongProofException when the server answers the challenge with a wrong proof
   * @throws IOException when the relay cannot be reached or does not speak WebSocket
   */
  static RelaySocket open(URI uri, RelayProof proof, int timeoutMillis, int maxMessageBytes,
      SSLSocketFactory tls) throws IOException {
    if ("wss".equals(uri.getScheme()) != (tls != null)) {
      throw new IllegalArgumentException(uri + " and the socket factory disagree about TLS");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : tls != null ? 443 : 80;
    // A plain connection is a blocking SocketChannel's socket: once the handshake's timeouts are
    // over, each read is one read(2) that blocks. A java.net.Socket that ever had a timeout keeps
    // its descriptor non-blocking, and then a read that finds nothing costs read(2), poll(2) and
    // read(2) again: at 10,000 events/s, every event (measured with strace).
    Socket socket = tls != null ? tls.createSocket() : SocketChannel.open().socket();
    try {
      socket.setTcpNoDelay(true); // frames are batched already: do not wait for more
      socket.connect(new InetSocketAddress(uri.getHost(), port), timeoutMillis);
      socket.setSoTimeout(timeoutMillis); // for the handshake only
      if (socket instanceof SSLSocket ssl) {
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
      }
      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
      String clientProof = upgrade(uri, port, proof, socket.getOutputStream(), in);
      socket.setSoTimeout(0); // silence is the connection check's business from here on
      return new RelaySocket(socket, in, maxMessageBytes, clientProof);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  // Returns the client's proof for the hello, or null when the server proved nothing (no key
  // given, or a relay without a token).
  private static String upgrade(URI uri, int port, RelayProof proof, OutputStream out, InputStream in)
      throws IOException {
    String challenge = proof == null ? null : RelayProof.nonce();
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
        + (challenge == null ? "" : RelayProof.CHALLENGE_HEADER + ": " + challenge + "\r\n") + "\r\n";
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();

    String[] lines = readHead(in).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP answer from " + uri + ": is a racket relay listening there?");
    }
    int code;
    try {
      code = Integer.parseInt(status[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP answer from " + uri + ": is a racket relay listening there?");
    }
    if (code != 101) throw new HandshakeException(code, "HTTP " + code);
    if (!WebSocketAccept.of(key).equals(header(lines, "sec-websocket-accept"))) {
      throw new IOException("the server at " + uri + " upgraded without a valid Sec-WebSocket-Accept");
    }
    String relayProof = header(lines, RelayProof.PROOF_HEADER.toLowerCase(Locale.ROOT));
    if (challenge == null || relayProof == null) return null;
    String relayNonce = header(lines, RelayProof.NONCE_HEADER.toLowerCase(Locale.ROOT));
    if (!RelayProof.isNonce(relayNonce)
        || !RelayProof.matches(proof.relay(port, challenge, relayNonce), relayProof)) {
      throw new WrongProofException("its answer to the challenge is wrong: it does not know this"
          + " client's token. It may be an impostor holding the port, or a relay with another token"
          + " (set the token option)");
    }
    return proof.client(port, relayNonce, challenge);
  }

  // The value of the header `name` (lower case), or null.
  private static String header(String[] lines, String name) {
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return lines[i].substring(colon + 1).trim();
      }
    }
    return null;
  }

  /**
   * The hello's answer to the relay's nonce, or {@code null} when the relay proved nothing: it has
   * no token, or no key was given.
   */
  String clientProof() {
    return clientProof;
  }

  /** Whether the relay's end of the connection belongs to this process's user (Linux only). */
  boolean relayIsThisUsers() {
    return SocketOwner.peerIsThisUser(socket);
  }

  // The status line and headers, up to the blank line; bounded, so a stranger cannot feed us forever.
  static String readHead(InputStream in) throws IOException {
    byte[] head = new byte[MAX_HEADER_BYTES];
    int n = 0;
    while (n < 4 || head[n - 4] != '\r' || head[n - 3] != '\n' || head[n - 2] != '\r' || head[n - 1] != '\n') {
      if (n == head.length) throw new IOException("the relay's HTTP answer is over " + MAX_HEADER_BYTES + " bytes");
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the connection closed during the WebSocket upgrade (a relay that"
            + " serves HTTPS closes plain connections: its url is https://)");
      }
      head[n++] = (byte) b;
    }
    return new String(head, 0, n - 4, StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads frames until the connection ends, handing each whole text message to the listener;
   * answers pings. Returns normally when the relay closed the connection (with its close code),
   * throws when the connection broke.
   */
  CloseReason read(Listener listener) throws IOException {
    // One call per frame: this loop runs once per connection, so the JIT compilers reach it only
    // by on-stack replacement, which took tens of seconds at 10,000 events/s, the loop's body
    // interpreted until then (docs/PERFORMANCE.md); a method called per frame is compiled within
    // a few thousand calls.
    while (true) {
      CloseReason closed = frame(listener);
      if (closed != null) return closed;
    }
  }

  // Reads one frame; returns how the relay closed the connection, or null.
  private CloseReason frame(Listener listener) throws IOException {
    int b0 = readByte();
    int b1 = readByte();
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    if ((b0 & 0x70) != 0 || (b1 & 0x80) != 0) {
      throw new IOException("the relay sent a masked frame or one with extension bits");
    }
    long size = b1 & 0x7F;
    if (size == 126) size = (readByte() << 8) | readByte();
    else if (size == 127) size = readLong();
    listener.heard();
    if (opcode >= OP_CLOSE) {
      if (size > 125 || !fin || opcode > OP_PONG) {
        throw new IOException("the relay sent a malformed control frame (opcode " + opcode + ")");
      }
      byte[] payload = readFully(new byte[(int) size], 0, (int) size);
      if (opcode == OP_PING) pong(payload);
      return opcode == OP_CLOSE ? close(payload) : null; // a pong, or a ping answered
    }
    if (opcode == OP_BINARY || (opcode == OP_TEXT) == inMessage || opcode > OP_TEXT) {
      throw new IOException("the relay sent an unexpected frame (opcode " + opcode + ")");
    }
    if (opcode == OP_TEXT) length = 0;
    if (length + size > maxMessageBytes) {
      throw new IOException("the relay sent a message over " + maxMessageBytes + " bytes");
    }
    int end = length + (int) size;
    if (end > message.length) message = Arrays.copyOf(message, Math.max(end, message.length * 2));
    readFully(message, length, (int) size);
    length = end;
    inMessage = !fin;
    if (fin) {
      listener.text(message, length);
      // Do not pin a big buffer after one big message.
      if (message.length > 1 << 20 && length < 1 << 16) message = new byte[64 << 10];
    }
    return null;
  }

  /** How the relay closed the connection. */
  record CloseReason(int code, String reason) {}

  private CloseReason close(byte[] payload) {
    int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    String reason = payload.length > 2
        ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    sendClose(code == 1005 ? 1000 : code);
    return new CloseReason(code, reason);
  }

  /**
   * Sends one text frame whose payload is {@code buffer[HEADER_ROOM .. HEADER_ROOM + length)};
   * the bytes before it are room for the header. The payload is masked in place.
   */
  void sendText(byte[] buffer, int length) throws IOException {
    int start = header(buffer, OP_TEXT, length);
    int end = HEADER_ROOM + length;
    writing.lock();
    try {
      for (int at = start; at < end; at += MAX_IO) {
        out.write(buffer, at, Math.min(MAX_IO, end - at));
      }
    } finally {
      writing.unlock();
    }
  }

  /**
   * Sends a close frame (at most once) unless a send is stuck behind a relay that reads nothing;
   * never blocks for long and never throws.
   */
  void sendClose(int code) {
    if (closeSent) return;
    closeSent = true;
    try {
      if (!writing.tryLock(CLOSE_LOCK_MILLIS, TimeUnit.MILLISECONDS)) return;
      try {
        writeControl(OP_CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, 2);
      } finally {
        writing.unlock();
      }
    } catch (IOException e) {
      // the connection is gone already
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pong(byte[] payload) throws IOException {
    writing.lock();
    try {
      writeControl(OP_PONG, payload, payload.length);
    } finally {
      writing.unlock();
    }
  }

  /** Ends the connection at once; a blocked read or send throws. */
  void abort() {
    try {
      socket.close();
    } catch (IOException e) {
      // closed anyway
    }
  }

  // Holding `writing`: control frames may come between two data frames, never inside one.
  private void writeControl(int opcode, byte[] payload, int length) throws IOException {
    System.arraycopy(payload, 0, control, HEADER_ROOM, length);
    int start = header(control, opcode, length);
    out.write(control, start, HEADER_ROOM - start + length);
  }

  // Writes the header right before the payload at HEADER_ROOM, masks the payload (clients must),
  // and returns where the frame starts.
  private static int header(byte[] buffer, int opcode, int length) {
    int mask = ThreadLocalRandom.current().nextInt();
    int at = HEADER_ROOM - 4;
    buffer[at] = (byte) (mask >>> 24);
    buffer[at + 1] = (byte) (mask >>> 16);
    buffer[at + 2] = (byte) (mask >>> 8);
    buffer[at + 3] = (byte) mask;
    if (length <= 125) {
      buffer[--at] = (byte) (0x80 | length);
    } else if (length <= 0xFFFF) {
      buffer[--at] = (byte) length;
      buffer[--at] = (byte) (length >>> 8);
      buffer[--at] = (byte) (0x80 | 126);
    } else {
      at -= 8;
      LONGS.set(buffer, at, (long) length);
      buffer[--at] = (byte) (0x80 | 127);
    }
    buffer[--at] = (byte) (0x80 | opcode);
    mask(buffer, HEADER_ROOM, length, mask);
    return at;
  }

  // Eight bytes at a time: a frame can be a megabyte.
  private static void mask(byte[] buffer, int from, int length, int mask) {
    long mask8 = ((long) mask << 32) | (mask & 0xFFFFFFFFL);
    int i = from;
    int end = from + length;
    for (; i + 8 <= end; i += 8) LONGS.set(buffer, i, (long) LONGS.get(buffer, i) ^ mask8);
    for (; i < end; i++) buffer[i] ^= (byte) (mask >>> (24 - 8 * ((i - from) & 3)));
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) throw new EOFException("the relay closed the connection without a close frame");
    return b;
  }

  private long readLong() throws IOException {
    long size = (long) LONGS.get(readFully(new byte[8], 0, 8), 0);
    if (size < 0) throw new IOException("the relay sent a frame length over 2^63");
    return size;
  }

  private byte[] readFully(byte[] into, int offset, int length) throws IOException {
    int n = 0;
    while (n < length) {
      int r = in.read(into, offset + n, Math.min(MAX_IO, length - n));
      if (r < 0) throw new EOFException("the relay closed the connection in the middle of a frame");
      n += r;
    }
    return into;
  }
}
