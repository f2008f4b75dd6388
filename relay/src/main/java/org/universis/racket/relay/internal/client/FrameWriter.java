package org.universis.racket.relay.internal.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.universis.racket.relay.internal.codec.WsFrames;

/**
 * The single writer in front of a {@link RelaySocket}: messages (UTF-8 JSON, one line each) queue
 * up and a sender thread sends them, as many per frame as are queued (NDJSON), up to the relay's
 * frame limit. The hop to the sender is what fills frames: a send to a socket with room returns at
 * once, so sending on the caller's thread put every emit of a busy publisher in a frame of its own
 * (about 3 per frame, measured), and the relay pays per frame. An emit on an idle connection,
 * where there is nothing to fill a frame with, goes on the caller's thread ({@link #sendHere}):
 * the hop would cost a wake-up for it alone.
 */
final class FrameWriter {

  private static final int INITIAL_FRAME = 16 << 10;
  private static final int KEPT_FRAME = 1 << 20;

  private final RelaySocket socket;
  private final Executor sender;
  private volatile int maxFrameBytes;
  private final Consumer<Throwable> onFailure;
  private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
  /** Whether a sender runs or is about to: at most one at a time. */
  private final AtomicBoolean sending = new AtomicBoolean();
  // Used only while holding `sending`; the header goes in front of the payload.
  private byte[] frame = new byte[WsFrames.CLIENT_HEAD_ROOM + INITIAL_FRAME];
  private volatile boolean failed;

  /**
   * @param sender runs the sends (the connection's daemon threads)
   * @param maxFrameBytes the most one frame may hold; a single larger message still goes alone
   * @param onFailure told once when a send fails: the connection is broken
   */
  FrameWriter(RelaySocket socket, Executor sender, int maxFrameBytes, Consumer<Throwable> onFailure) {
    this.socket = socket;
    this.sender = sender;
    this.maxFrameBytes = maxFrameBytes;
    this.onFailure = onFailure;
  }

  /** Sets the most one frame may hold, as the relay announced it. */
  void limit(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Queues a message (UTF-8, no line break); {@link #flush()} sends it. */
  void enqueue(byte[] message) {
    queue.add(message);
  }

  /** Queues a message; {@link #flush()} sends it. */
  void enqueue(String message) {
    enqueue(message.getBytes(StandardCharsets.UTF_8));
  }

  /** Queues and sends. */
  void send(String message) {
    enqueue(message);
    flush();
  }

  /** Has what is queued sent, unless a sender runs already (it sends the rest). Never blocks. */
  void flush() {
    if (failed || queue.isEmpty() || !sending.compareAndSet(false, true)) return;
    try {
      sender.execute(this::drain);
    } catch (RejectedExecutionException e) {
      sending.set(false);
      fail(e); // the connection is closing
    }
  }

  /**
   * Sends what is queued, up to one frame, on the caller's thread, unless a sender runs already;
   * the rest goes to a sender. For a small message on an idle connection: the socket has room, so
   * the send does not block.
   */
  void sendHere() {
    // An interrupt during a write closes the socket (it is a channel's): the sender writes then.
    if (Thread.currentThread().isInterrupted()) {
      flush();
      return;
    }
    if (failed || !sending.compareAndSet(false, true)) return;
    try {
      if (!queue.isEmpty()) { // a sender that ran until just now may have sent it
        int length = nextFrame();
        socket.sendText(frame, length);
      }
    } catch (IOException | RuntimeException e) {
      sending.set(false);
      fail(e);
      return;
    }
    sending.set(false);
    flush(); // a message queued meanwhile
  }

  // On a sender thread, holding `sending`: sends frames until the queue is empty. What is queued
  // while one frame is being written rides in the next.
  private void drain() {
    try {
      while (!failed && !queue.isEmpty()) {
        int length = nextFrame(); // may grow `frame`: read it only after
        socket.sendText(frame, length);
      }
    } catch (IOException | RuntimeException e) {
      sending.set(false);
      fail(e);
      return;
    }
    if (frame.length > WsFrames.CLIENT_HEAD_ROOM + KEPT_FRAME) {
      frame = new byte[WsFrames.CLIENT_HEAD_ROOM + INITIAL_FRAME]; // do not pin one big batch
    }
    sending.set(false);
    flush(); // a message queued after the loop's last look
  }

  // Copies queued messages, one per line, into the frame after its header room; returns the length.
  private int nextFrame() {
    byte[] first = queue.poll();
    int length = append(0, first, false);
    int max = maxFrameBytes;
    for (byte[] next = queue.peek(); next != null && length + 1 + next.length <= max; next = queue.peek()) {
      queue.poll();
      length = append(length, next, true);
    }
    return length;
  }

  // Appends a message after `at` payload bytes, on a line of its own if asked; returns the new length.
  private int append(int at, byte[] message, boolean newLine) {
    int from = WsFrames.CLIENT_HEAD_ROOM + at;
    int end = from + (newLine ? 1 : 0) + message.length;
    if (end > frame.length) frame = Arrays.copyOf(frame, Math.max(end, frame.length * 2));
    if (newLine) frame[from++] = '\n';
    System.arraycopy(message, 0, frame, from, message.length);
    return end - WsFrames.CLIENT_HEAD_ROOM;
  }

  private void fail(Throwable error) {
    if (failed) return;
    failed = true;
    queue.clear();
    onFailure.accept(error);
  }
}
