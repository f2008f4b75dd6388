package org.universis.racket.relay.internal.server;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.spi.TypeFilter;

/**
 * One connected client's bounded outbox and its single writer. The sequencer offers events under
 * its lock without ever blocking; the writer, on the connection's IO thread, drains everything
 * queued into one frame, sends it, and sends the next when that send completes, so at most one
 * write is in flight per connection (Undertow's own send queues are unbounded). Past the bound
 * the overflow policy applies.
 */
public abstract class Subscriber {

  private volatile SubscriberInfo info;
  private volatile TypeFilter filter;
  private final SubscriberLimits limits;
  private final Metrics metrics;

  private final Object lock = new Object();
  /** Sent before the live queue: greeting, resync notice, the part of a replay read so far. */
  private final ArrayDeque<Outgoing> replay = new ArrayDeque<>();
  /** The rest of a replay, read into {@link #replay} a frame at a time; null when none is left. */
  private ReplayCursor cursor;
  /** Events and control messages, in relay order. */
  private final ArrayDeque<Outgoing> live = new ArrayDeque<>();
  private int liveEvents;
  private int liveControls;
  private long liveBytes;
  private long dropped;
  private long dropFrom;
  private long dropTo;
  private boolean active;
  private boolean closed;
  private volatile long lastWrite = System.nanoTime();
  // The IO thread's alone: whether send() is running, and whether it completed inside.
  private boolean sending;
  private boolean sentAtOnce;
  private final ArrayList<Outgoing> batch = new ArrayList<>();
  // Made once: a task and a callback per frame were a third of what the relay allocated per event.
  private final Runnable drainTask = this::drain;
  private final Runnable sentTask = this::sent;

  public Subscriber(SubscriberInfo info, TypeFilter filter, SubscriberLimits limits, Metrics metrics) {
    this.info = info;
    this.filter = filter;
    this.limits = limits;
    this.metrics = metrics;
  }

  SubscriberInfo info() {
    return info;
  }

  void info(SubscriberInfo info) {
    this.info = info;
  }

  TypeFilter filter() {
    return filter;
  }

  void filter(TypeFilter filter) {
    this.filter = filter;
  }

  /** Runs {@code task} on this connection's IO thread. */
  public abstract void execute(Runnable task);

  /**
   * Sends one frame and runs {@code sent} once it is written; on failure closes the subscriber.
   * The frame's buffer is reused once this returns: what cannot be written at once is copied
   * ({@link #rest}). The {@link #headroom} bytes before the frame's position are free for a header.
   */
  public abstract void send(ByteBuffer frame, Runnable sent);

  /** The bytes {@link #send} may write in front of a frame (a transport's frame header). */
  public abstract int headroom();

  /** The bytes one queued item takes in a frame. */
  public abstract int frameSize(Outgoing item);

  /** Appends one queued item to a frame. */
  public abstract void frame(Outgoing item, ByteBuffer out);

  /** Closes the connection; {@code slow} when the overflow policy closes it. */
  public abstract void closeTransport(boolean slow);

  /** Called once when the subscriber is closed, whatever closed it. */
  public abstract void closed();

  /**
   * Queues what must precede live events: {@code items}, then what {@code cursor} (or null) reads
   * from the history. Called under the sequencer lock at subscription.
   */
  void startWith(List<Outgoing> items, ReplayCursor cursor) {
    synchronized (lock) {
      replay.addAll(items);
      this.cursor = cursor == null || cursor.done() ? null : cursor;
      wake();
    }
  }

  /**
   * Queues an event; called under the sequencer lock, so it never blocks.
   *
   * @return false when the subscriber is closed (or just closed by the disconnect policy)
   */
  boolean offer(Event event) {
    synchronized (lock) {
      if (closed) return false;
      live.addLast(event);
      liveEvents++;
      liveBytes += event.size();
      while (liveEvents > limits.queueSize() || liveBytes > limits.queueBytes()) {
        if (limits.overflow() == RelayConfig.Overflow.DISCONNECT || !dropOldestEvent()) {
          metrics.disconnected.increment();
          closeLocked(true);
          return false;
        }
      }
      wake();
      return true;
    }
  }

  /** Queues a control message (ack, pong, heartbeat) in relay order. */
  boolean offerControl(byte[] message) {
    synchronized (lock) {
      if (closed) return false;
      live.addLast(new Outgoing.Control(message));
      liveBytes += message.length;
      // A client that sends but never reads its acks (or asks for the client list, whose answers
      // are large) fills the queue with them: close it.
      if (++liveControls > limits.queueSize() || liveBytes > limits.queueBytes()) {
        metrics.disconnected.increment();
        closeLocked(true);
        return false;
      }
      wake();
      return true;
    }
  }

  /** Whether nothing was written for {@code nanos} and nothing waits. */
  boolean idleFor(long nanos) {
    synchronized (lock) {
      return !active && System.nanoTime() - lastWrite >= nanos;
    }
  }

  int queued() {
    synchronized (lock) {
      return liveEvents + replay.size();
    }
  }

  /** Whether everything queued is written (or the subscriber is closed): nothing left to drain. */
  boolean drained() {
    synchronized (lock) {
      return closed || !active && replay.isEmpty() && live.isEmpty() && dropped == 0;
    }
  }

  boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** Closes this subscriber (client gone, relay closing); idempotent. */
  void close() {
    synchronized (lock) {
      if (closed) return;
      closeLocked(false);
    }
  }

  private void closeLocked(boolean slow) {
    closed = true;
    replay.clear();
    if (cursor != null) cursor.release();
    cursor = null;
    live.clear();
    liveEvents = 0;
    liveControls = 0;
    liveBytes = 0;
    execute(() -> {
      closeTransport(slow);
      closed();
    });
  }

  private boolean dropOldestEvent() {
    for (Iterator<Outgoing> it = live.iterator(); it.hasNext(); ) {
      Outgoing item = it.next();
      if (item instanceof Event e) {
        it.remove();
        liveEvents--;
        liveBytes -= e.size();
        if (dropped++ == 0) dropFrom = e.id;
        dropTo = e.id;
        metrics.dropped.increment();
        return true;
      }
    }
    return false;
  }

  private void wake() {
    if (!active) {
      active = true;
      execute(drainTask);
    }
  }

  // On the IO thread: sends a frame of what is queued, then the next, for as long as the socket
  // takes each at once (the usual case: no hop through the IO thread's task queue per frame), up to
  // FRAMES_PER_TURN frames, so that a subscriber that is always busy leaves the thread to the
  // others. A send that has to wait calls sent() later, from the socket's write listener.
  private void drain() {
    for (int frames = 0; ; frames++) {
      if (frames == FRAMES_PER_TURN) {
        execute(drainTask);
        return;
      }
      readReplay();
      synchronized (lock) {
        if (closed || !takeBatch(batch)) {
          active = false;
          return;
        }
      }
      int size = 0;
      int events = 0;
      for (Outgoing item : batch) {
        size += frameSize(item);
        if (item instanceof Event) events++;
      }
      int headroom = headroom();
      ByteBuffer frame = frameBuffer(headroom + size);
      frame.position(headroom);
      for (Outgoing item : batch) frame(item, frame);
      frame.limit(frame.position()).position(headroom);
      clearBatch();
      metrics.delivered.add(events);
      lastWrite = System.nanoTime();
      sending = true;
      sentAtOnce = false;
      send(frame, sentTask);
      sending = false;
      SPARE.get().giveBack(frame); // send() keeps a copy of what it could not write yet
      if (!sentAtOnce) return;
    }
  }

  // Once what was read of a replay is sent, reads its next part: from the history, under the
  // sequencer's lock and not this one (the sequencer takes this one when it offers). A part may
  // hold no event (none matched): the cursor moved on, so this ends. The cursor is let go once its
  // last part is sent, which gives back what that part held.
  private void readReplay() {
    while (true) {
      ReplayCursor c;
      synchronized (lock) {
        if (closed || cursor == null || !replay.isEmpty()) return;
        c = cursor;
        if (c.done()) {
          cursor = null;
          c.release();
          return;
        }
      }
      List<Outgoing> items = c.next(filter, limits.frameBytes());
      synchronized (lock) {
        if (closed) return;
        replay.addAll(items);
        if (!items.isEmpty()) return;
      }
    }
  }

  // The list is kept for the next frame; a big one (a backlog's) is let go.
  private void clearBatch() {
    boolean grew = batch.size() > KEPT_BATCH;
    batch.clear();
    if (grew) batch.trimToSize();
  }

  private static final int KEPT_BATCH = 1024;
  private static final int FRAMES_PER_TURN = 16;

  // On the IO thread, once the frame is written: inside send() or later, from a write listener.
  private void sent() {
    if (sending) sentAtOnce = true;
    else execute(drainTask); // from a write listener: through the executor, the stack stays flat
  }

  // Frames are built in one buffer per IO thread, lent to one frame at a time: send() copies what
  // it cannot write at once, so the buffer is free again when it returns. A new buffer per frame
  // (allocated and zeroed) was 7 % of the relay's IO threads (profiled). The buffer grows to the
  // largest frame asked for, up to SPARE_MAX: a subscriber with a backlog gets frames of up to
  // max-event-size plus 64 KiB, and those were still allocated and zeroed one by one.
  private static final ThreadLocal<Spare> SPARE = ThreadLocal.withInitial(Spare::new);
  private static final int SPARE_MAX = 2 << 20;

  private static final class Spare {
    ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
    boolean out;

    void giveBack(ByteBuffer frame) {
      if (frame == buffer) out = false;
    }
  }

  private static ByteBuffer frameBuffer(int size) {
    Spare spare = SPARE.get();
    if (spare.out || size > SPARE_MAX) return ByteBuffer.allocate(size);
    if (size > spare.buffer.capacity()) {
      int grown = Math.min(SPARE_MAX, Math.max(size, 2 * spare.buffer.capacity()));
      spare.buffer = ByteBuffer.allocate(grown);
    }
    spare.out = true;
    return spare.buffer.clear().limit(size);
  }

  /**
   * What is left of {@code frame} (a heap buffer), in a buffer of its own: for a send that has to
   * wait. Copied as an array, which the JIT does not zero before filling it, as it does a buffer
   * allocated and then filled (6 % of the relay's samples under load, profiled).
   */
  static ByteBuffer rest(ByteBuffer frame) {
    int from = frame.arrayOffset() + frame.position();
    return ByteBuffer.wrap(Arrays.copyOfRange(frame.array(), from, from + frame.remaining()));
  }

  private boolean takeBatch(List<Outgoing> batch) {
    int size = 0;
    while (true) {
      Outgoing next = peek();
      if (next == null) break;
      int itemSize = frameSize(next);
      if (!batch.isEmpty() && size + itemSize > limits.frameBytes()) break;
      batch.add(poll());
      size += itemSize;
    }
    return !batch.isEmpty();
  }

  private Outgoing peek() {
    if (!replay.isEmpty()) return replay.peekFirst();
    if (cursor != null) return null; // the replay's next part comes first
    if (dropped > 0) {
      replay.add(limits.notices().resync("overflow", dropped, dropFrom, dropTo));
      dropped = 0;
      return replay.peekFirst();
    }
    return live.peekFirst();
  }

  private Outgoing poll() {
    if (!replay.isEmpty()) return replay.pollFirst();
    Outgoing item = live.pollFirst();
    if (item instanceof Event e) {
      liveEvents--;
      liveBytes -= e.size();
    } else {
      liveControls--;
      liveBytes -= item.bytes().length;
    }
    return item;
  }
}
