package org.universis.racket.relay.internal.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.codec.WsFrames;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;

/**
 * What a {@link WsConnection} sends: frames queue up and go out in order, each header and payload
 * from one buffer, the socket's write listener resuming what it did not take at once. Not
 * thread-safe: everything runs on the connection's IO thread.
 */
final class WsOutbound {

  private final StreamConnection connection;
  private final ConduitStreamSinkChannel sink;
  private final ArrayDeque<Write> writes = new ArrayDeque<>();
  /** The pong in {@link #writes} whose writing has not begun, or null. */
  private Write pong;
  private boolean closeSent;

  /** One frame, header included, and what to run once it is written. */
  private static final class Write {
    ByteBuffer frame;
    final Runnable done;

    Write(ByteBuffer frame, Runnable done) {
      this.frame = frame;
      this.done = done;
    }
  }

  WsOutbound(StreamConnection connection) {
    this.connection = connection;
    this.sink = connection.getSinkChannel();
    sink.getWriteSetter().set(c -> flush());
  }

  /** Whether a close frame was sent or queued: nothing goes after it. */
  boolean closeSent() {
    return closeSent;
  }

  /** Whether every queued frame is written. */
  boolean idle() {
    return writes.isEmpty();
  }

  /**
   * Sends {@code payload} as one text frame and runs {@code sent} once it is written. The header
   * goes into the {@link WsFrames#SERVER_HEAD_ROOM} bytes before the payload's position.
   */
  void text(ByteBuffer payload, Runnable sent) {
    if (closeSent) return;
    payload.position(WsFrames.writeHead(payload, payload.position(), payload.remaining(), WsFrames.TEXT));
    Write w = new Write(payload, sent);
    write(w);
    // The caller reuses the payload's buffer once this returns: keep what is left as a copy.
    if (w.frame.hasRemaining()) w.frame = Subscriber.rest(w.frame);
  }

  /** Sends a close frame, once, and runs {@code then} (if not null) once it is written. */
  void close(int code, String reason, Runnable then) {
    if (closeSent) return;
    closeSent = true;
    byte[] payload = WsFrames.closePayload(code, reason);
    write(new Write(control(WsFrames.CLOSE, payload, 0, payload.length), then));
  }

  /**
   * Answers a ping with {@code length} bytes of {@code data} at {@code from}. Only the latest ping
   * is answered (RFC 6455, 5.5.3): a pong not yet being written takes the new payload, so a client
   * that pings and never reads has at most two pongs queued, not millions.
   */
  void pong(byte[] data, int from, int length) {
    if (closeSent) return;
    ByteBuffer frame = control(WsFrames.PONG, data, from, length);
    if (pong != null && pong != writes.peek()) {
      pong.frame = frame;
    } else {
      pong = new Write(frame, null);
      write(pong);
    }
  }

  // A control frame of its own: a copy of the payload after room for the header.
  private static ByteBuffer control(int opcode, byte[] payload, int from, int length) {
    int at = WsFrames.SERVER_HEAD_ROOM;
    ByteBuffer frame = ByteBuffer.allocate(at + length);
    frame.put(at, payload, from, length);
    return frame.position(WsFrames.writeHead(frame, at, length, opcode));
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
}
