package org.universis.racket.relay.internal.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.universis.racket.ProcessEvent;
import org.universis.racket.Subscription;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.spi.TypeFilter;

/**
 * One handler and its own bounded queue, drained in order by one thread at a time. When the queue
 * is full (its {@code queue} count, or the emitter's {@code queue-bytes} for all its
 * subscriptions: {@link QueueRoom}) the connection's reader waits for room ({@link QueueRoom#await}),
 * and TCP slows the relay's sending: a slow handler slows its own connection, and so the other
 * subscriptions on it, instead of losing events.
 *
 * <p>A handler that handles nothing for {@link QueueRoom#STUCK_NANOS} while the reader waits (blocked for
 * good, or waiting for something only the reader could bring, such as the ack of its own emit)
 * is cut loose: its queued events are dropped, and so is what arrives for it until it returns;
 * then it gets one {@code racket.resync} notice (reason {@code overflow}) in their place, before
 * any event that came after them.
 *
 * <p>The connection's reader gathers a message's events here ({@link #offer}) and hands them over
 * together ({@link #handOver}); a pooled handler thread takes them in chunks ({@link #run}). Each
 * side takes the lock once per message or chunk, not once per event: per-event atomics on memory
 * both threads write cost more than the rest of handing an event over. A few events for an idle
 * subscription the reader delivers itself ({@link #handOver} says when), unless its handler was
 * slow there twice in a row or kept the reader.
 */
final class LocalSubscription implements Subscription, Runnable {

  // Events handled per turn on a pool thread while another subscription waits for one (all
  // Inbox.MAX_HANDLER_THREADS busy), so that busy subscriptions take turns. With none waiting the
  // turn goes on: handing itself to another pool thread every batch would cost a subscriber that
  // is always busy 3 to 4 % of its CPU.
  static final int BATCH = 256;
  // Events the handler takes from the queue at a time, under one lock.
  private static final int CHUNK = 32;
  // Past this many events, buffers that grew for a backlog are let go once it is gone.
  private static final int KEPT_ROOM = 1024;
  // Events the reader delivers itself, at most; more go to a handler thread.
  static final int ON_READER_MAX = 8;
  // A run on the reader this long is slow. Two in a row send the subscription's runs to handler
  // threads for good: the reader is every subscription's and every ack's. (One alone may be the
  // reader losing its core.)
  static final long SLOW_ON_READER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final String filterText;
  private final TypeFilter filter;
  private final Consumer<? super ProcessEvent> handler;
  private final int capacity;
  private final QueueRoom room;
  private final Executor executor;
  private final BooleanSupplier othersWaiting;
  private final Consumer<LocalSubscription> onUnsubscribe;
  private volatile boolean closed;

  // Shared with the handler thread (guarded by this).
  private ArrayDeque<ReceivedEvent> queue = new ArrayDeque<>();
  private long queuedBytes; // of the queue and the chunk the handler holds, as QueueRoom costs them
  private int heldEvents; // taken from the queue by the handler, not handled yet: they count too
  private boolean stuck; // cut loose: drops what arrives until the handler returns
  private boolean heldWrittenOff; // cut loose: the chunk in hand no longer counts in the room
  private int queuedMost; // since the queue was last empty: a deque that grew is replaced then
  private boolean scheduled; // a handler thread has, or will get, this subscription's turn
  private final Drops unreported = new Drops(); // dropped after the last queued event
  // Events handled so far: the reader waiting for room watches it move. Written by the handler
  // (one thread at a time) with lazySet, a plain store: once per event, and nobody waits on it.
  private final AtomicLong delivered = new AtomicLong();

  // Whether the reader may deliver here: set by the reader after a run, or by the ReaderWatch's
  // thread when a run kept the reader.
  private volatile boolean offReader; // handler threads only, for good
  private volatile boolean slowBefore; // the last run on the reader was slow

  // The reader's side (guarded by the Inbox): the message being read.
  private final ArrayList<ReceivedEvent> arriving = new ArrayList<>();
  private long arrivingBytes;
  private boolean gathering; // offers came since the last handOver(), and the room below is theirs
  private int roomEvents; // room in the queue when the message began
  private boolean dropAll; // cut loose when the message began
  private final Drops dropping = new Drops();

  LocalSubscription(String filterText, TypeFilter filter, Consumer<? super ProcessEvent> handler,
      int capacity, QueueRoom room, Executor executor, BooleanSupplier othersWaiting,
      Consumer<LocalSubscription> onUnsubscribe) {
    this.filterText = filterText;
    this.filter = filter;
    this.handler = handler;
    this.capacity = capacity;
    this.room = room;
    this.executor = executor;
    this.othersWaiting = othersWaiting;
    this.onUnsubscribe = onUnsubscribe;
  }

  TypeFilter typeFilter() {
    return filter;
  }

  @Override
  public String filter() {
    return filterText;
  }

  /**
   * Begins gathering for a message, if not begun since the last {@link #handOver}; called by one
   * thread at a time (under the {@link Inbox}'s lock), as are {@link #offer} and
   * {@code handOver()}.
   *
   * @return whether it began now (the Inbox then hands over to it at the message's end)
   */
  boolean begin() {
    if (gathering) return false;
    gathering = true;
    synchronized (this) {
      // The room only grows while the message is read (the handler takes events): checking
      // against it keeps the bound. Drops not reported yet continue into this message's.
      roomEvents = capacity - queue.size() - heldEvents;
      dropAll = stuck;
      dropping.take(unreported);
    }
    return true;
  }

  /**
   * Whether the event fits, after {@link #begin}, when it goes to {@code shares} subscriptions:
   * all of them take bytes from the same {@link QueueRoom}. A closed or cut-loose subscription
   * takes anything (it ignores or drops it).
   */
  boolean fits(ReceivedEvent event, int shares) {
    if (closed || dropAll) return true;
    // The notice for earlier drops, if one is due, goes in with the event and takes room too.
    boolean notice = dropping.count > 0;
    return takes(arriving.size(), notice ? 2 : 1, roomEvents)
        && room.fits(shares * QueueRoom.cost(event));
  }

  // Whether `entries` more fit in the room beside the `gathered` ones; into an empty queue with
  // nothing gathered they always do (a notice and its event, say, with a queue of one).
  private boolean takes(int gathered, int entries, int roomEvents) {
    return gathered + entries <= roomEvents || gathered == 0 && roomEvents == capacity;
  }

  /**
   * Gathers an event for the handler, once it {@link #fits}; {@link #handOver} hands what was
   * gathered over.
   */
  void offer(ReceivedEvent event) {
    if (closed) return;
    if (dropAll) {
      dropping.add(event.id());
      return;
    }
    if (dropping.count > 0) add(dropping.notice());
    add(event);
  }

  /** Events handled so far: a waiting reader watches it move. */
  long delivered() {
    return delivered.get();
  }

  /** Whether the event, offered after a new {@link #begin}, would fit: as {@link #fits}. */
  synchronized boolean hasRoom(ReceivedEvent event, int shares) {
    if (closed || stuck) return true;
    return takes(0, unreported.count > 0 ? 2 : 1, capacity - queue.size() - heldEvents)
        && room.fits(shares * QueueRoom.cost(event));
  }

  /**
   * The reader found no handler moving: if this one holds events, drops them, and what arrives
   * until the handler returns; the notice for them all comes when it does. The chunk its handler
   * holds no longer counts in the room either: the others must not wait for it.
   */
  void cutLooseIfHolding() {
    long freed;
    synchronized (this) {
      if (closed || stuck || queue.isEmpty() && heldEvents == 0) return;
      stuck = true;
      Drops older = new Drops();
      for (ReceivedEvent e : queue) older.add(e.id());
      queue.clear();
      freed = queuedBytes; // the queue's and the chunk's
      queuedBytes = 0;
      heldWrittenOff = heldEvents > 0;
      older.take(unreported);
      unreported.take(older);
    }
    room.release(freed);
    Log.warn("a handler for '" + filterText + "' handled nothing for "
        + TimeUnit.NANOSECONDS.toSeconds(QueueRoom.STUCK_NANOS) + " s while its queue was full and the"
        + " connection waited for it; its queued events are dropped, and so is what arrives for it"
        + " until it returns (it then gets a racket.resync)");
  }

  /**
   * Hands the events gathered since the last call to the handler, waking it if it sleeps.
   *
   * @param readerMayRun whether the caller, the reader, may deliver a few events itself
   * @return whether it must: call {@link #run} (the subscription's turn is the caller's)
   */
  boolean handOver(boolean readerMayRun) {
    gathering = false;
    boolean kept;
    boolean start;
    boolean onReader;
    synchronized (this) {
      // Read once: a cancel after this block frees what it finds queued, these events included.
      kept = !closed;
      if (kept) {
        queue.addAll(arriving);
        queuedBytes += arrivingBytes;
        queuedMost = Math.max(queuedMost, queue.size());
      }
      unreported.take(dropping);
      start = kept && !scheduled && (!queue.isEmpty() || unreported.count > 0);
      if (start) scheduled = true;
      onReader = start && readerMayRun && !offReader
          && queue.size() + (unreported.count > 0 ? 1 : 0) <= ON_READER_MAX;
    }
    room.commit(arrivingBytes);
    if (!kept) room.release(arrivingBytes); // given back at once
    boolean grew = arriving.size() > KEPT_ROOM;
    arriving.clear();
    if (grew) arriving.trimToSize();
    arrivingBytes = 0;
    if (start && !onReader) execute();
    return onReader;
  }

  /** A run on the reader took this long: a second slow one in a row sends it off the reader. */
  void ranOnReader(long nanos) {
    boolean slow = nanos >= SLOW_ON_READER_NANOS;
    if (slow && slowBefore) offReader = true;
    slowBefore = slow;
  }

  /** A run kept the reader until another thread took the reading: handler threads from now on. */
  void keepOffReader() {
    offReader = true;
  }

  private void add(ReceivedEvent event) {
    long cost = QueueRoom.cost(event);
    arriving.add(event);
    arrivingBytes += cost;
    room.gather(cost);
  }

  @Override
  public void unsubscribe() {
    if (closed) return;
    cancel();
    onUnsubscribe.accept(this);
  }

  /**
   * Delivers the queued events to the handler, on a handler thread: all of them, or a batch when
   * another subscription waits for a thread.
   */
  @Override
  public void run() {
    Chunk chunk = new Chunk();
    int handled = 0;
    while (true) {
      boolean handedBack = chunk.taken > 0;
      long freed;
      boolean turnOver;
      synchronized (this) {
        freed = settle(chunk, handled > 0);
        turnOver = closed || handled >= BATCH && othersWaiting.getAsBoolean();
        if (!turnOver) {
          if (handled >= BATCH) handled = 0;
          take(chunk);
        }
      }
      // Outside this lock: a waiting reader holds the room's monitor, then takes this one.
      if (handedBack) room.release(freed);
      if (turnOver) break;
      if (chunk.size == 0) return;
      deliver(chunk);
      handled += chunk.size;
    }
    // A turn is over (or the subscription closed): give the thread back, queue up again if open.
    if (closed) {
      synchronized (this) {
        scheduled = false;
      }
      return;
    }
    execute();
  }

  /** What a handler thread took from the queue at once: it takes room until it is handled. */
  private static final class Chunk {
    final ReceivedEvent[] events = new ReceivedEvent[CHUNK];
    int size; // events to deliver
    int taken; // of them, those taken from the queue (a drop notice is not)
    long takenBytes;
  }

  // The chunk just handled leaves the bounds (under this lock); returns the bytes it gives back.
  private long settle(Chunk chunk, boolean handlerReturned) {
    heldEvents -= chunk.taken;
    long freed = heldWrittenOff ? 0 : chunk.takenBytes;
    queuedBytes -= freed;
    heldWrittenOff = false;
    if (handlerReturned) stuck = false; // what arrives is queued again
    chunk.size = 0;
    chunk.taken = 0;
    chunk.takenBytes = 0;
    return freed;
  }

  // Takes the next chunk (under this lock): up to CHUNK events, else the drop notice, else none,
  // and then the turn ends.
  private void take(Chunk chunk) {
    int n = 0;
    for (ReceivedEvent e; n < CHUNK && (e = queue.poll()) != null; ) {
      chunk.takenBytes += QueueRoom.cost(e);
      chunk.events[n++] = e;
    }
    chunk.taken = n;
    heldEvents += n;
    if (n == 0 && unreported.count > 0) chunk.events[n++] = unreported.notice();
    if (n == 0) {
      scheduled = false;
      if (queuedMost > KEPT_ROOM) queue = new ArrayDeque<>(); // let a backlog's array go
      queuedMost = 0;
    }
    chunk.size = n;
  }

  private void deliver(Chunk chunk) {
    int i = 0;
    try {
      for (; i < chunk.size; i++) {
        deliver(chunk.events[i]);
        chunk.events[i] = null;
        delivered.lazySet(delivered.get() + 1);
      }
    } finally {
      if (i < chunk.size) giveBack(chunk, i + 1); // an Error left the handler
    }
  }

  // A handler threw what deliver() lets through (a VirtualMachineError): the rest of the chunk
  // goes back to the front of the queue, and another turn delivers it.
  private void giveBack(Chunk chunk, int from) {
    boolean again;
    long back = 0;
    long freed;
    synchronized (this) {
      int size = chunk.size;
      freed = settle(chunk, false);
      for (int k = size - 1; k >= from; k--) {
        queue.addFirst(chunk.events[k]);
        back += QueueRoom.cost(chunk.events[k]);
      }
      queuedBytes += back;
      again = !closed && (!queue.isEmpty() || unreported.count > 0);
      scheduled = again;
    }
    room.release(freed - back);
    if (again) execute();
  }

  private void execute() {
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        scheduled = false; // the emitter is closing
      }
    }
  }

  private void deliver(ProcessEvent event) {
    try {
      handler.accept(event);
    } catch (Exception | LinkageError | AssertionError e) { // checked too: a sneaky throw
      Log.warn("handler for '" + filterText + "' threw on event " + event.id() + " ("
          + event.type() + "); delivery goes on", e);
    }
  }

  /** Stops delivery without telling the connection (it is closing). */
  void cancel() {
    closed = true;
    long freed = 0;
    synchronized (this) {
      for (ReceivedEvent e : queue) freed += QueueRoom.cost(e);
      queuedBytes -= freed;
      queue.clear();
    }
    room.release(freed); // and a reader waiting for room here looks again
  }
}
