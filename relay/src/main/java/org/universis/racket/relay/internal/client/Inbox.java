package org.universis.racket.relay.internal.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.universis.racket.ProcessEvent;
import org.universis.racket.Subscription;
import org.universis.racket.spi.TypeFilter;

/**
 * The receiving side of one emitter: its subscriptions, the filter the relay is told (their union),
 * and the hand-off of each arriving event, read once, to every subscription whose filter matches.
 * Duplicates (see {@link Dedupe}) are dropped here, before any handler sees them. When a
 * subscription has no room for an event, the reader hands over what it gathered and waits for
 * room ({@link QueueRoom#await}): the connection stops reading, and TCP slows the relay.
 *
 * <p>The path of an event: {@link Link} (the connection's reader) → {@link #deliver} → each
 * matching {@link LocalSubscription#offer}, gathered until the message ends → {@link #handOver}
 * → the subscription's queue → its handler, on a handler thread, or on the reader for a few events
 * of an idle subscription.
 */
final class Inbox {

  /** The connection's reader, as a wait for room sees it. */
  interface Reader {
    /** Whether the connection is gone: the wait ends, and so does the reading. */
    boolean gone();

    /** Called while the reader waits for room: the silence is its own, not the relay's. */
    void waiting();
  }

  private final int queueCapacity;
  private final QueueRoom room;
  private final Runnable onFilterChange;
  private final CopyOnWriteArrayList<LocalSubscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Dedupe dedupe = new Dedupe();
  // The last event delivered (a resync notice's id is the end of its gap): the next connection
  // resumes after it. Written by the reader under this lock, read by the connecting thread.
  private volatile long resumeId;
  // Subscriptions gathering events since the last hand-over (guarded by this, as is dedupe).
  private final List<LocalSubscription> gathering = new ArrayList<>();
  private final List<LocalSubscription> matching = new ArrayList<>(); // the event's, in deliver()
  // One thread per busy subscription, up to MAX_HANDLER_THREADS: a slow handler holds only its own
  // subscription, and a thousand busy subscriptions (the agent subscribes every instance with
  // @OnProcessEvent methods) cannot start a thousand threads. Past the cap, busy subscriptions wait
  // their turn; each is queued at most once, so the queue is bounded by the subscription count.
  static final int MAX_HANDLER_THREADS = 64;
  // A plain ThreadPoolExecutor starts a new thread for every task until it has its core size, idle
  // threads or not, so one subscription could take all 64. Here a task goes to an idle thread
  // if there is one (the queue's offer only hands over), else to a new thread, and only once all
  // are busy does it wait in the queue: a task in it is a subscription waiting for a thread.
  private final LinkedTransferQueue<Runnable> waiting = new LinkedTransferQueue<>() {
    @Override
    public boolean offer(Runnable task) {
      return tryTransfer(task);
    }
  };
  private final ExecutorService handlers = new ThreadPoolExecutor(0, MAX_HANDLER_THREADS, 30,
      TimeUnit.SECONDS, waiting, new DaemonThreads("handler"), (task, pool) -> {
        if (pool.isShutdown()) throw new RejectedExecutionException("the emitter is closed");
        waiting.put(task); // every thread is busy: wait in line
      });

  Inbox(int queueCapacity, long queueBytes, Runnable onFilterChange) {
    this.queueCapacity = queueCapacity;
    this.room = new QueueRoom(queueBytes);
    this.onFilterChange = onFilterChange;
  }

  Subscription subscribe(String filter, Consumer<? super ProcessEvent> handler) {
    TypeFilter parsed = TypeFilter.parse(filter);
    LocalSubscription s = new LocalSubscription(filter == null || filter.isBlank() ? ">" : filter,
        parsed, handler, queueCapacity, room, handlers, () -> !waiting.isEmpty(), this::remove);
    subscriptions.add(s);
    onFilterChange.run();
    return s;
  }

  /**
   * The filter to send to the relay: the union of the subscriptions' filters, or {@code null} (the
   * relay sends nothing) when there is no subscription, so that an emit-only client costs nothing.
   */
  String relayFilter() {
    List<TypeFilter> filters = new ArrayList<>();
    for (LocalSubscription s : subscriptions) filters.add(s.typeFilter());
    String union = TypeFilter.union(filters).toString();
    return union.isEmpty() ? null : union;
  }

  /** The id the next connection resumes after (0: nothing seen yet). */
  long resumeId() {
    return resumeId;
  }

  /** With nothing seen yet, everything after {@code lastId} is ours: resume from there. */
  void resumeFromIfNothingSeen(long lastId) {
    synchronized (this) {
      if (resumeId == 0) resumeId = lastId;
    }
  }

  /**
   * Gathers an event for the matching subscriptions; {@link #handOver} gives it to their
   * handlers. Runs on the connection's reader (synchronized all the same: a link's reader may
   * still be finishing a message when the next link's starts). Waits while a matching
   * subscription has no room.
   *
   * @return false when the connection ended (or its reader was interrupted) while the reader
   *     waited: the event is not delivered, nor should any later one be (the next connection
   *     resumes before it)
   */
  synchronized boolean deliver(ReceivedEvent event, Reader reader) {
    boolean resync = event.isResync();
    matching.clear();
    for (LocalSubscription s : subscriptions) {
      // A notice is meant for this connection, whatever its filter: every subscription may have
      // missed events.
      if (resync || s.typeFilter().matches(event.type())) matching.add(s);
    }
    if (!matching.isEmpty()) {
      // Before the event counts as seen: a reader that gives up leaves it to the next connection.
      if (!makeRoom(event, reader)) return false;
      if (resync || dedupe.firstTime(event.id(), event.origin().id(), event.seq())) {
        for (LocalSubscription s : matching) s.offer(event);
      }
    }
    resumeId = event.id();
    return true;
  }

  // Waits until every matching subscription has room for the event (or drops it, cut loose);
  // false when the reader gave up.
  private boolean makeRoom(ReceivedEvent event, Reader reader) {
    int shares = matching.size();
    for (int i = 0; i < shares; ) {
      LocalSubscription s = matching.get(i);
      if (s.begin()) gathering.add(s); // once per subscription: bounded by their number
      if (s.fits(event, shares)) {
        i++;
      } else {
        handOver(false); // what was gathered goes to the handlers, who then make room
        if (!room.await(s, event, shares, subscriptions, reader)) return false;
        i = 0; // the hand-over ended every subscription's gathering: begin again
      }
    }
    return true;
  }

  /**
   * Gives the handlers what was gathered for them since the last hand-over, waking those that
   * sleep. The reader calls it once per message from the relay, so a message of many events costs
   * each handler thread at most one wake-up, not one per event.
   *
   * @param readerMayRun whether the caller, the reader, may deliver a few events itself
   * @return the subscription whose turn the caller must run ({@link LocalSubscription#run}), or
   *     null: at most one per message, so that the reader is held up by one handler at a time
   */
  synchronized LocalSubscription handOver(boolean readerMayRun) {
    LocalSubscription onReader = null;
    for (LocalSubscription s : gathering) {
      if (s.handOver(readerMayRun && onReader == null)) onReader = s;
    }
    gathering.clear();
    return onReader;
  }

  /** Wakes a reader waiting for room, so that it sees the connection is gone. */
  void wakeReader() {
    room.wakeReader();
  }

  /** A new relay instance took over. */
  synchronized void newRelay() {
    dedupe.newRelay();
  }

  /** Ends every subscription and its threads. */
  void close() {
    for (LocalSubscription s : subscriptions) s.cancel();
    subscriptions.clear();
    handlers.shutdown();
  }

  private void remove(LocalSubscription s) {
    if (subscriptions.remove(s)) onFilterChange.run();
  }
}
