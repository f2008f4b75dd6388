package org.universis.racket.relay.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.universis.racket.relay.codec.JsonSlice;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * RFC 6455 framing over a connection that Undertow upgraded for {@code GET /ws}. Undertow's own
 * WebSocket layer (a frame channel, a pooled-buffer chain and a callback per message, its own send
 * queue) cost the relay several times its event path in CPU and in JIT compilation
 * (PERFORMANCE.md); this parses frames in place in the IO thread's read buffer and writes each
 * outbound message, header and payload, from one buffer. Not thread-safe: everything runs on the
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

  static final int NORMAL = 1000;
  static final int PROTOCOL_ERROR = 1002;
  static final int INVALID_DATA = 1007;
  static final int GOING_AWAY = 1001;
  static final int POLICY_VIOLATION = 1008;
  static final int TOO_BIG = 1009;
  static final int TRY_AGAIN_LATER = 1013;

  private static final int TEXT = 1;
  private static final int BINARY = 2;
  private static final int CLOSE = 8;
  private static final int PING = 9;
  private static final int PONG = 10;
  private static final int MAX_HEADER = 14;
  /** A frame of the default limits (1 MiB event and slack) fits; a bigger buffer is not kept. */
  private static final int SPARE_BYTES = 2 << 20;
  /**
   * Full reads before the IO thread turns to its other connections: a client that sends without
   * pause (pings, say) would otherwise keep it, and every other socket of the thread would wait.
   * The selector calls again for what is left.
   */
  private static final int READS_PER_TURN = 16;
  /** The smallest buffer an incomplete frame is kept in; it doubles as more of the frame arrives. */
  private static final int MIN_HELD = 16 * 1024;
  /**
   * Every connection of an IO thread reads into that thread's buffer, so an idle connection holds
   * no buffer at all; only the start of a frame that has not fully arrived is kept, in {@link
   * #held}. Safe because reads are never nested: a message is handed up in place and the listener
   * copies what it keeps (the bodies of emits), and everything it triggers runs later as a task.
   */
  private static final ThreadLocal<ByteBuffer> SHARED =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(64 * 1024));
  /**
   * One buffer per IO thread for {@link #held}, lent to one connection at a time and given back
   * once its frames are read: a busy publisher's frames mostly straddle reads, and a new buffer
   * for each, zeroed and then filled, cost the relay as much as reading the frame (profiled).
   */
  private static final ThreadLocal<ByteBuffer[]> SPARE = ThreadLocal.withInitial(() -> new ByteBuffer[1]);

  private final StreamConnection connection;
  private final ConduitStreamSourceChannel source;
  private final ConduitStreamSinkChannel sink;
  private int maxMessage; // only the IO thread reads and sets it
  /** This connection's share of the relay's {@link HeldBytes}: {@link #held} and {@link #part}. */
  private final HeldBytes.Account account;
  private Listener listener;
  /** An incomplete frame's bytes so far, in write mode, with room for more of it; or null. */
  private ByteBuffer held;
  /** The buffer being parsed: the thread's shared one or {@link #held}. */
  private ByteBuffer in;
  /** The bytes the incomplete frame at the end of {@link #in} needs, 0 when none. */
  private int needed;
  /** A fragmented message being joined: its opcode (0 when none) and its bytes so far. */
  private int partOpcode;
  private byte[] part = new byte[0];
  private int partLength;
  private boolean closeSent;
  private final ArrayDeque<Write> writes = new ArrayDeque<>();
  /** The pong in {@link #writes} whose writing has not begun, or null. */
  private Write pong;

  /** One frame, header included, and what to run once it is written. */
  private static final class Write {
    ByteBuffer frame;
    final Runnable done;

    Write(ByteBuffer frame, Runnable done) {
      this.frame = frame;
      this.done = done;
    }
  }

  WsConnection(StreamConnection connection, int maxMessage, HeldBytes heldBytes) {
    this.connection = connection;
    this.source = connection.getSourceChannel();
    this.sink = connection.getSinkChannel();
    this.maxMessage = maxMessage;
    this.account = heldBytes.account();
    sink.getWriteSetter().set(c -> flush());
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

  /**
   * Sends {@code payload} as one text frame and runs {@code sent} once it is written. The header
   * goes into the {@link #HEADROOM} bytes before the payload's position: one buffer, one write.
   */
  void sendText(ByteBuffer payload, Runnable sent) {
    if (closeSent) return;
    Write w = new Write(header(0x80 | TEXT, payload), sent);
    write(w);
    // The caller reuses the payload's buffer once this returns: keep what is left as a copy.
    if (w.frame.hasRemaining()) w.frame = Subscriber.rest(w.frame);
  }

  /** Sends a close frame, then closes the socket even if the peer never answers. */
  void closeWith(int code, String reason) {
    sendClose(code, reason, null);
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

  private void sendClose(int code, String reason, Runnable then) {
    if (closeSent) return;
    closeSent = true;
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    // A control frame carries at most 125 bytes: the code and 123 of reason.
    byte[] payload = new byte[2 + Math.min(text.length, 123)];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, payload.length - 2);
    write(new Write(control(CLOSE, payload, 0, payload.length), then));
  }

  // A control frame of its own: a copy of the payload after room for the header.
  private static ByteBuffer control(int opcode, byte[] payload, int from, int length) {
    ByteBuffer frame = ByteBuffer.allocate(HEADROOM + length).position(HEADROOM);
    frame.put(payload, from, length).flip().position(HEADROOM);
    return header(0x80 | opcode, frame);
  }

  /** Room for the longest header the relay writes: 2 bytes and an 8-byte length. */
  static final int HEADROOM = 10;

  // Writes the header right before the payload, in the HEADROOM bytes kept free there, and returns
  // the frame: the payload's buffer, from the header on.
  private static ByteBuffer header(int first, ByteBuffer payload) {
    int length = payload.remaining();
    int at = payload.position();
    if (length < 126) {
      at -= 2;
      payload.put(at + 1, (byte) length);
    } else if (length < 65536) {
      at -= 4;
      payload.put(at + 1, (byte) 126).putShort(at + 2, (short) length);
    } else {
      at -= 10;
      payload.put(at + 1, (byte) 127).putLong(at + 2, length);
    }
    return payload.put(at, (byte) first).position(at);
  }

  private void write(Write w) {
    writes.add(w);
    if (writes.size() == 1) flush();
  }

  // Writes queued frames until the socket takes no more; the write listener resumes it.
  private void flush() {
    try {
      while (!writes.isEmpty()) {
        Write w = writes.peek();
        sink.write(w.frame);
        if (w.frame.hasRemaining()) {
          sink.resumeWrites();
          return;
        }
        writes.poll();
        if (w == pong) pong = null;
        if (w.done != null) w.done.run();
      }
      if (sink.flush()) sink.suspendWrites();
      else sink.resumeWrites();
    } catch (IOException e) {
      Log.debug("WebSocket " + connection.getPeerAddress() + " write failed: " + e);
      IoUtils.safeClose(connection);
    }
  }

  private void read() {
    try {
      for (int turn = 0; turn < READS_PER_TURN; turn++) {
        in = held != null ? held : SHARED.get().clear();
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
          if (in == held) giveBack(in);
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
  // far, up to the whole frame: the thread's spare if it is big enough, else a new one. A frame
  // that declares a megabyte and sends a few bytes holds a few kilobytes, not the megabyte. False,
  // the connection closing, when the relay holds its max of such bytes already.
  private boolean keep() {
    int size = (int) Math.min(needed, Math.max(2L * in.remaining(), MIN_HELD));
    if (in == held && in.capacity() >= size) {
      in.compact();
      return true;
    }
    ByteBuffer[] spare = SPARE.get();
    boolean fromSpare = spare[0] != null && spare[0].capacity() >= size;
    if (!account.resize((long) (fromSpare ? spare[0].capacity() : size) + part.length)) {
      return overHeld();
    }
    ByteBuffer kept;
    if (fromSpare) {
      kept = spare[0].clear();
      spare[0] = null;
    } else {
      kept = ByteBuffer.allocate(size);
    }
    kept.put(in);
    if (in == held) giveBack(in);
    held = kept;
    return true;
  }

  private boolean overHeld() {
    return fail(TRY_AGAIN_LATER, "the relay holds its most bytes of unfinished messages"
        + " (max-held-bytes); try again later");
  }

  // The connection is closing: what it held goes.
  private void drop() {
    if (held != null) giveBack(held);
    held = null;
    part = new byte[0];
    partLength = 0;
    account.close();
  }

  // Keeps the bigger of the spare and this buffer, up to SPARE_BYTES.
  private static void giveBack(ByteBuffer buffer) {
    ByteBuffer[] spare = SPARE.get();
    if (buffer.capacity() <= SPARE_BYTES && (spare[0] == null || spare[0].capacity() < buffer.capacity())) {
      spare[0] = buffer;
    }
  }

  /** Handles every complete frame in {@code in} (read mode); false once the connection closes. */
  private boolean frames() {
    needed = 0;
    while (in.remaining() >= 2) {
      int start = in.position();
      int b0 = in.get(start) & 0xff;
      int b1 = in.get(start + 1) & 0xff;
      boolean fin = (b0 & 0x80) != 0;
      int opcode = b0 & 0x0f;
      if ((b0 & 0x70) != 0 || (b1 & 0x80) == 0) {
        return fail(PROTOCOL_ERROR, "frames from a client must be masked and use no extension");
      }
      long length = b1 & 0x7f;
      int headerSize = 6;
      if (length == 126) {
        if (in.remaining() < 4) return incomplete(MAX_HEADER);
        length = in.getShort(start + 2) & 0xffff;
        headerSize = 8;
      } else if (length == 127) {
        if (in.remaining() < 10) return incomplete(MAX_HEADER);
        length = in.getLong(start + 2);
        headerSize = 14;
      }
      if (opcode >= CLOSE && (!fin || length > 125)) {
        return fail(PROTOCOL_ERROR, "a control frame must be whole and at most 125 bytes");
      }
      if (length < 0 || (opcode < CLOSE && length + partLength > maxMessage)) {
        // As Undertow did: 1009 at once, without an error message.
        return fail(TOO_BIG, "message over " + maxMessage + " bytes");
      }
      if (in.remaining() < headerSize + length) return incomplete(headerSize + (int) length);
      int payload = start + headerSize;
      unmask(in, payload, (int) length, in.getInt(payload - 4));
      in.position(payload + (int) length);
      if (!frame(fin, opcode, payload, (int) length)) return false;
    }
    return in.hasRemaining() ? incomplete(MAX_HEADER) : true;
  }

  private boolean incomplete(int frameSize) {
    needed = frameSize;
    return true;
  }

  private boolean frame(boolean fin, int opcode, int from, int length) {
    switch (opcode) {
      case 0 -> {
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
      case TEXT, BINARY -> {
        if (partOpcode != 0) return fail(PROTOCOL_ERROR, "a new message inside a fragmented one");
        if (fin) return deliver(opcode, in.array(), from, length);
        partOpcode = opcode;
        return append(from, length);
      }
      case CLOSE -> {
        // Echo the peer's code, then close once the answer is written.
        int code = length >= 2 ? in.getShort(from) & 0xffff : NORMAL;
        sendClose(code, "", () -> IoUtils.safeClose(connection));
        if (closeSent && writes.isEmpty()) IoUtils.safeClose(connection);
        return false;
      }
      case PING -> {
        if (!closeSent) pong(control(PONG, in.array(), from, length));
        return true;
      }
      case PONG -> {
        return true;
      }
      default -> {
        return fail(PROTOCOL_ERROR, "unknown opcode " + opcode);
      }
    }
  }

  // Only the latest ping is answered (RFC 6455, 5.5.3): a pong not yet being written takes the new
  // payload, so a client that pings and never reads has at most two pongs queued, not millions.
  private void pong(ByteBuffer frame) {
    if (pong != null && pong != writes.peek()) {
      pong.frame = frame;
    } else {
      pong = new Write(frame, null);
      write(pong);
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
    if (closeSent) return true;
    if (opcode == BINARY) {
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

  /** XORs a payload with its mask, eight bytes at a time. */
  static void unmask(ByteBuffer buffer, int from, int length, int mask) {
    long wide = ((long) mask << 32) | (mask & 0xffffffffL);
    int i = from;
    int end = from + length;
    for (; i + 8 <= end; i += 8) buffer.putLong(i, buffer.getLong(i) ^ wide);
    for (int k = 0; i < end; i++, k++) buffer.put(i, (byte) (buffer.get(i) ^ (mask >>> (24 - 8 * k))));
  }
}
