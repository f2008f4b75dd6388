package org.universis.racket.relay.client;

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
 * Duplicates (see {@link Dedupe}) are dropped here, before any handler sees them.
 */
final class Inbox {

  private final int queueCapacity;
  private final Runnable onFilterChange;
  private final CopyOnWriteArrayList<LocalSubscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Dedupe dedupe = new Dedupe();
  // Subscriptions given events since the last flush (guarded by this, as is dedupe).
  private final List<LocalSubscription> touched = new ArrayList<>();
  // One thread per busy subscription, up to MAX_HANDLER_THREADS: a slow handler holds only its own
  // subscription, and a thousand busy subscriptions (the agent subscribes every instance with
  // @OnProcessEvent methods) cannot start a thousand threads. Past the cap, busy subscriptions wait
  // their turn; each is queued at most once, so the queue is bounded by the subscription count.
  static final int MAX_HANDLER_THREADS = 64;
  // A plain ThreadPoolExecutor starts a new thread for every task until it has its core size, idle
  // threads or not (one subscription ended up with 64 threads). Here a task goes to an idle thread
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

  Inbox(int queueCapacity, Runnable onFilterChange) {
    this.queueCapacity = queueCapacity;
    this.onFilterChange = onFilterChange;
  }

  Subscription subscribe(String filter, Consumer<? super ProcessEvent> handler) {
    TypeFilter parsed = TypeFilter.parse(filter);
    LocalSubscription s = new LocalSubscription(filter == null || filter.isBlank() ? ">" : filter,
        parsed, handler, queueCapacity, handlers, () -> !waiting.isEmpty(), this::remove);
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

  /**
   * Queues an event for the matching subscriptions; {@link #flush()} wakes their handlers. Runs on
   * the network thread (synchronized all the same: a link's reader may still be finishing a message
   * when the next link's starts).
   */
  synchronized void deliver(ReceivedEvent event) {
    if (event.isResync()) {
      // Meant for this connection, whatever its filter: every subscription may have missed events.
      for (LocalSubscription s : subscriptions) offer(s, event);
      return;
    }
    if (!dedupe.firstTime(event.id(), event.origin().id(), event.seq())) return;
    String type = event.type();
    for (LocalSubscription s : subscriptions) {
      if (s.typeFilter().matches(type)) offer(s, event);
    }
  }

  /**
   * Wakes the handlers of the subscriptions given events since the last flush. The network thread
   * calls it once per message from the relay, so a message of many events costs each handler
   * thread at most one wake-up, not one per event (a handler that keeps up would otherwise sleep
   * and be woken between every two events).
   *
   * @param here whether the caller may deliver a few events itself
   * @return the subscription whose turn the caller must now run
   *     ({@link LocalSubscription#runHere}), or null: at most one, so that one handler that blocks
   *     holds up no other subscription's
   */
  synchronized LocalSubscription flush(boolean here) {
    LocalSubscription mine = null;
    for (LocalSubscription s : touched) {
      if (s.wake(here && mine == null)) mine = s;
    }
    touched.clear();
    return mine;
  }

  private void offer(LocalSubscription s, ReceivedEvent event) {
    if (s.offer(event)) touched.add(s); // once per subscription: bounded by their number
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
