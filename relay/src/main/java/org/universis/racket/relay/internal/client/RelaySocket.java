package org.universis.racket.relay.internal.client;

import static org.universis.racket.relay.internal.codec.WsFrames.CLIENT_HEAD_ROOM;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.universis.racket.relay.internal.codec.FrameHead;
import org.universis.racket.relay.internal.codec.RelayProof;
import org.universis.racket.relay.internal.codec.WsFrames;

/**
 * One WebSocket connection to the relay (RFC 6455, client side) over a plain blocking socket,
 * working in bytes both ways: frames are read into a byte array that {@link WireReader} parses as
 * UTF-8 JSON, and written from the bytes {@link FrameWriter} assembled; their heads are written
 * with {@link WsFrames} and read with {@link FrameHead}, as the relay does; {@link WsUpgrade} does
 * the handshake. The JDK's WebSocket decoded every message to chars and re-encoded every send,
 * which cost the client more than anything else it did (docs/PERFORMANCE.md), and its HTTP client
 * starts java.util.logging inside the application.
 *
 * <p>One thread reads ({@link #read}); sends may come from any thread, one frame at a time. A
 * plain connection is a channel's socket: a thread interrupted during a send or a read closes it.
 */
final class RelaySocket {

  /** What a connection hands over as it reads. */
  interface Listener {
    /**
     * A whole text message; {@code data} is reused for the next one.
     *
     * @return whether this thread reads on (false: another thread took the reading over)
     */
    boolean text(byte[] data, int length) throws IOException;

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

  private static final long CLOSE_LOCK_MILLIS = 100;
  /**
   * The most bytes one read or write asks of the socket. A channel's socket copies each through a
   * temporary direct buffer of that size, which its thread then keeps: a whole frame at once
   * would keep up to a message's size (max-event-size and more) of direct memory per thread.
   */
  private static final int MAX_IO = 128 << 10;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int maxMessageBytes;
  private final ReentrantLock writing = new ReentrantLock(); // one frame at a time on the wire
  // Pong and close frames, under `writing`.
  private final ByteBuffer control = ByteBuffer.allocate(CLIENT_HEAD_ROOM + WsFrames.MAX_CONTROL);
  private final FrameHead head = new FrameHead(); // the reader's only, as are the next four
  private final ByteBuffer headBytes = ByteBuffer.allocate(FrameHead.MAX_SIZE);
  private byte[] message = new byte[64 << 10];
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
      String clientProof = WsUpgrade.upgrade(uri, port, proof, socket.getOutputStream(), in);
      socket.setSoTimeout(0); // silence is the connection check's business from here on
      return new RelaySocket(socket, in, maxMessageBytes, clientProof);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
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

  /**
   * Reads frames until the connection ends, handing each whole text message to the listener;
   * answers pings. Returns how the relay closed the connection, or null when the listener gave the
   * reading to another thread (which calls this again); throws when the connection broke.
   */
  CloseReason read(Listener listener) throws IOException {
    // One call per frame: this loop runs once per connection, so the JIT compilers reach it only
    // by on-stack replacement, which took tens of seconds at 10,000 events/s, the loop's body
    // interpreted until then (docs/PERFORMANCE.md); a method called per frame is compiled within
    // a few thousand calls.
    while (true) {
      CloseReason closed = frame(listener);
      if (closed != null) return closed == HANDED_ON ? null : closed;
    }
  }

  // Reads one frame; returns how the relay closed the connection, or null.
  private CloseReason frame(Listener listener) throws IOException {
    int first = in.read();
    if (first < 0) throw new EOFException("the relay closed the connection without a close frame");
    byte[] bytes = headBytes.array();
    bytes[0] = (byte) first;
    readFully(bytes, 1, 1);
    readFully(bytes, 2, FrameHead.size(bytes[1]) - 2);
    String fault = head.read(headBytes, 0, false);
    if (fault != null) throw new IOException("the relay broke the WebSocket protocol: " + fault);
    listener.heard();
    int opcode = head.opcode();
    long size = head.length();
    if (head.isControl()) {
      byte[] payload = readFully(new byte[(int) size], 0, (int) size);
      if (opcode == WsFrames.PING) pong(payload);
      return opcode == WsFrames.CLOSE ? close(payload) : null; // a pong, or a ping answered
    }
    if (opcode == WsFrames.BINARY || (opcode == WsFrames.TEXT) == inMessage) {
      throw new IOException("the relay sent an unexpected frame (opcode " + opcode + ")");
    }
    if (opcode == WsFrames.TEXT) length = 0;
    if (size < 0 || length + size > maxMessageBytes) {
      throw new IOException("the relay sent a message over " + maxMessageBytes + " bytes");
    }
    int end = length + (int) size;
    if (end > message.length) message = Arrays.copyOf(message, Math.max(end, message.length * 2));
    readFully(message, length, (int) size);
    length = end;
    inMessage = !head.fin();
    if (!inMessage) {
      // Another thread may be reading already: touch nothing more.
      if (!listener.text(message, length)) return HANDED_ON;
      // Do not pin a big buffer after one big message.
      if (message.length > 1 << 20 && length < 1 << 16) message = new byte[64 << 10];
    }
    return null;
  }

  /** How the relay closed the connection. */
  record CloseReason(int code, String reason) {}

  // frame()'s answer when the listener gave the reading to another thread.
  private static final CloseReason HANDED_ON = new CloseReason(-1, "");

  private CloseReason close(byte[] payload) {
    ByteBuffer bytes = ByteBuffer.wrap(payload);
    int code = WsFrames.closeCode(bytes, 0, payload.length);
    sendClose(code == WsFrames.NO_STATUS ? WsFrames.NORMAL : code);
    return new CloseReason(code, WsFrames.closeReason(bytes, 0, payload.length));
  }

  /**
   * Sends one text frame whose payload is {@code buffer[CLIENT_HEAD_ROOM .. CLIENT_HEAD_ROOM +
   * length)}; the bytes before it are room for the header. The payload is masked in place.
   */
  void sendText(byte[] buffer, int length) throws IOException {
    int start = WsFrames.writeMaskedHead(ByteBuffer.wrap(buffer), CLIENT_HEAD_ROOM, length,
        WsFrames.TEXT, ThreadLocalRandom.current().nextInt());
    int end = CLIENT_HEAD_ROOM + length;
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
        writeControl(WsFrames.CLOSE, WsFrames.closePayload(code, ""));
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
      writeControl(WsFrames.PONG, payload);
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
  private void writeControl(int opcode, byte[] payload) throws IOException {
    control.put(CLIENT_HEAD_ROOM, payload);
    int start = WsFrames.writeMaskedHead(control, CLIENT_HEAD_ROOM, payload.length, opcode,
        ThreadLocalRandom.current().nextInt());
    out.write(control.array(), start, CLIENT_HEAD_ROOM - start + payload.length);
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
