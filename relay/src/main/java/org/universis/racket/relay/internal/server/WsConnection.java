package org.universis.racket.relay.internal.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.codec.FrameHead;
import org.universis.racket.relay.internal.codec.JsonSlice;
import org.universis.racket.relay.internal.codec.WsFrames;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * RFC 6455 framing over a connection that Undertow upgraded for {@code GET /ws}. Undertow's own
 * WebSocket layer (a frame channel, a pooled-buffer chain and a callback per message, its own send
 * queue) cost the relay several times its event path in CPU and in JIT compilation
 * (PERFORMANCE.md); this parses frames in place in the IO thread's read buffer, their heads with
 * {@link FrameHead}, and sends through {@link WsOutbound}. Not thread-safe: everything runs on the
 * connection's IO thread.
 */
final class WsConnection {

  /** What the connection hands up. */
  interface Listener {
    /**
     * A complete text message, checked to be UTF-8: {@code length} bytes of {@code data} from
     * {@code from}. They are the read buffer's (or the joined fragments'), reused once this
     * returns: copy what is kept.
     */
    void onText(byte[] data, int from, int length);

    /** A complete binary message (racket speaks text only). */
    void onBinary();
  }

  static final int PROTOCOL_ERROR = 1002;
  static final int INVALID_DATA = 1007;
  static final int GOING_AWAY = 1001;
  static final int POLICY_VIOLATION = 1008;
  static final int TOO_BIG = 1009;
  static final int TRY_AGAIN_LATER = 1013;

  /**
   * Full reads before the IO thread turns to its other connections: a client that sends without
   * pause (pings, say) would otherwise keep it, and every other socket of the thread would wait.
   * The selector calls again for what is left.
   */
  private static final int READS_PER_TURN = 16;
  /** The smallest buffer an incomplete frame is kept in; it doubles as more of the frame arrives. */
  private static final int MIN_HELD = 16 * 1024;
  private final StreamConnection connection;
  private final ConduitStreamSourceChannel source;
  private final WsOutbound out;
  private final FrameHead head = new FrameHead();
  private int maxMessage; // only the IO thread reads and sets it
  /** This connection's share of the relay's {@link HeldBytes}: {@link #held} and {@link #part}. */
  private final HeldBytes.Account account;
  private Listener listener;
  /** An incomplete frame's bytes so far, in write mode, with room for more of it; or null. */
  private ByteBuffer held;
  /** The buffer being parsed: the thread's {@link ReadBuffers#shared} one or {@link #held}. */
  private ByteBuffer in;
  /** The bytes the incomplete frame at the end of {@link #in} needs, 0 when none. */
  private int needed;
  /** A fragmented message being joined: its opcode (0 when none) and its bytes so far. */
  private int partOpcode;
  private byte[] part = new byte[0];
  private int partLength;

  WsConnection(StreamConnection connection, int maxMessage, HeldBytes heldBytes) {
    this.connection = connection;
    this.source = connection.getSourceChannel();
    this.out = new WsOutbound(connection);
    this.maxMessage = maxMessage;
    this.account = heldBytes.account();
  }

  StreamConnection connection() {
    return connection;
  }

  /** Sets the largest message this connection may send from its next frame on. */
  void maxMessage(int bytes) {
    maxMessage = bytes;
  }

  /** Starts reading; messages go to {@code listener}. */
  void start(Listener listener) {
    this.listener = listener;
    source.getReadSetter().set(c -> read());
    source.resumeReads();
  }

  /** Sends {@code payload} as one text frame and runs {@code sent} once it is written. */
  void sendText(ByteBuffer payload, Runnable sent) {
    out.text(payload, sent);
  }

  /** Sends a close frame, then closes the socket even if the peer never answers. */
  void closeWith(int code, String reason) {
    out.close(code, reason, null);
    try {
      connection.getIoThread().executeAfter(() -> IoUtils.safeClose(connection), 2, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      IoUtils.safeClose(connection);
    }
  }

  /** Gives back this connection's share of the held bytes; called once the socket is closed. */
  void closed() {
    account.close();
  }

  private void read() {
    try {
      for (int turn = 0; turn < READS_PER_TURN; turn++) {
        in = held != null ? held : ReadBuffers.shared();
        int room = in.remaining();
        int n = source.read(in);
        if (n == -1) {
          IoUtils.safeClose(connection);
          return;
        }
        if (n == 0) return;
        in.flip();
        if (!frames()) {
          drop();
          source.suspendReads();
          return;
        }
        if (!in.hasRemaining()) {
          if (in == held) ReadBuffers.giveBack(in);
          held = null;
          account.resize(part.length);
        } else if (!keep()) {
          drop();
          source.suspendReads();
          return;
        }
        // A read that left room took all the socket had: the selector (level-triggered) calls
        // again when more comes. Reading on until a read returns 0 cost a read(2) per wake-up,
        // which at 10,000 events/s is one per event. This holds because no conduit in between
        // keeps bytes of its own once a read left room (no read timeout; Undertow's push-back of
        // bytes read with the upgrade hands them all over first; its TLS conduit calls the read
        // listener again while it holds decrypted or undecrypted bytes and reads are resumed).
        if (n < room) return;
      }
    } catch (IOException e) {
      Log.debug("WebSocket " + connection.getPeerAddress() + " read failed: " + e);
      IoUtils.safeClose(connection);
    } catch (OutOfMemoryError e) {
      OutOfMemoryExit.check(e); // the standalone relay exits; a hosted one loses this connection
      IoUtils.safeClose(connection);
    }
  }

  // Moves the start of an incomplete frame into {@link #held}, with room for twice its bytes so
  // far, up to the whole frame (from ReadBuffers). A frame that declares a megabyte and sends a few
  // bytes holds a few kilobytes, not the megabyte. False, the connection closing, when the relay
  // holds its max of such bytes already.
  private boolean keep() {
    int size = (int) Math.min(needed, Math.max(2L * in.remaining(), MIN_HELD));
    if (in == held && in.capacity() >= size) {
      in.compact();
      return true;
    }
    if (!account.resize((long) ReadBuffers.capacityFor(size) + part.length)) return overHeld();
    ByteBuffer kept = ReadBuffers.take(size);
    kept.put(in);
    if (in == held) ReadBuffers.giveBack(in);
    held = kept;
    return true;
  }

  private boolean overHeld() {
    return fail(TRY_AGAIN_LATER, "the relay holds its most bytes of unfinished messages"
        + " (max-held-bytes); try again later");
  }

  // The connection is closing: what it held goes.
  private void drop() {
    if (held != null) ReadBuffers.giveBack(held);
    held = null;
    part = new byte[0];
    partLength = 0;
    account.close();
  }

  /** Handles every complete frame in {@code in} (read mode); false once the connection closes. */
  private boolean frames() {
    needed = 0;
    while (in.remaining() >= 2) {
      int start = in.position();
      int headSize = FrameHead.size(in.get(start + 1));
      if (in.remaining() < headSize) return incomplete(FrameHead.MAX_SIZE);
      String fault = head.read(in, start, true);
      if (fault != null) return fail(PROTOCOL_ERROR, fault);
      long length = head.length();
      if (length < 0 || (!head.isControl() && length + partLength > maxMessage)) {
        // 1009 at once, without an error message: nothing more of the frame is read.
        return fail(TOO_BIG, "message over " + maxMessage + " bytes");
      }
      if (in.remaining() < headSize + length) return incomplete(headSize + (int) length);
      int payload = start + headSize;
      WsFrames.mask(in, payload, (int) length, head.mask());
      in.position(payload + (int) length);
      if (!frame(head.fin(), head.opcode(), payload, (int) length)) return false;
    }
    return in.hasRemaining() ? incomplete(FrameHead.MAX_SIZE) : true;
  }

  private boolean incomplete(int frameSize) {
    needed = frameSize;
    return true;
  }

  private boolean frame(boolean fin, int opcode, int from, int length) {
    switch (opcode) {
      case WsFrames.CONTINUATION -> {
        if (partOpcode == 0) return fail(PROTOCOL_ERROR, "a continuation frame without a first frame");
        if (!append(from, length)) return false;
        if (!fin) return true;
        int op = partOpcode;
        byte[] message = part;
        int messageLength = partLength;
        partOpcode = 0;
        partLength = 0;
        part = new byte[0];
        boolean open = deliver(op, message, 0, messageLength);
        account.resize(held == null ? 0 : held.capacity());
        return open;
      }
      case WsFrames.TEXT, WsFrames.BINARY -> {
        if (partOpcode != 0) return fail(PROTOCOL_ERROR, "a new message inside a fragmented one");
        if (fin) return deliver(opcode, in.array(), from, length);
        partOpcode = opcode;
        return append(from, length);
      }
      case WsFrames.CLOSE -> {
        // Echo the peer's code, then close once the answer is written.
        int code = WsFrames.closeCode(in, from, length);
        out.close(code == WsFrames.NO_STATUS ? WsFrames.NORMAL : code, "", () -> IoUtils.safeClose(connection));
        if (out.idle()) IoUtils.safeClose(connection);
        return false;
      }
      case WsFrames.PING -> {
        out.pong(in.array(), from, length);
        return true;
      }
      default -> { // a pong: FrameHead let no other opcode through
        return true;
      }
    }
  }

  // Adds a fragment to the message being joined (checked against maxMessage already); false, the
  // connection closing, when the relay holds its max of unfinished messages already.
  private boolean append(int from, int length) {
    if (part.length < partLength + length) {
      int size = Math.min(maxMessage, Math.max(2 * part.length, partLength + length));
      if (!account.resize((long) size + (held == null ? 0 : held.capacity()))) return overHeld();
      part = Arrays.copyOf(part, size);
    }
    in.get(from, part, partLength, length);
    partLength += length;
    return true;
  }

  private boolean deliver(int opcode, byte[] data, int from, int length) {
    if (out.closeSent()) return true;
    if (opcode == WsFrames.BINARY) {
      listener.onBinary();
    } else if (!JsonSlice.isUtf8(data, from, from + length)) {
      return fail(INVALID_DATA, "text frame is not UTF-8");
    } else {
      listener.onText(data, from, length);
    }
    return true;
  }

  private boolean fail(int code, String reason) {
    Log.debug("WebSocket client " + connection.getPeerAddress() + ": " + reason + "; closing with " + code);
    closeWith(code, reason);
    return false;
  }
}
