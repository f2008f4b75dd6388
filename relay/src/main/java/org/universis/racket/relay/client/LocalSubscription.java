package org.universis.racket.relay.client;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.universis.racket.ProcessEvent;
import org.universis.racket.Subscription;
import org.universis.racket.relay.server.Log;
import org.universis.racket.spi.TypeFilter;

/**
 * One handler and its own bounded queue, drained in order by at most one pooled handler thread at a
 * time: a slow handler delays only its own events. When the queue is full, arriving events are
 * dropped and the handler later gets one {@code racket.resync} notice (reason {@code overflow}) in
 * their place, before any event that came after them.
 */
final class LocalSubscription implements Subscription, Runnable {

  // Events handled per turn on a pool thread, so that one busy subscription does not keep a thread.
  private static final int BATCH = 256;
  // Beside the count (queue option): 10,000 queued events of 1 MiB each must not pin 10 GiB.
  static final long MAX_QUEUED_BYTES = 64L << 20;

  private final String filterText;
  private final TypeFilter filter;
  private final Consumer<? super ProcessEvent> handler;
  private final int capacity;
  private final Executor executor;
  private final Consumer<LocalSubscription> onUnsubscribe;
  private final ConcurrentLinkedQueue<ReceivedEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean closed;
  private boolean offeredSinceWake; // guarded by the Inbox
  // The run of dropped events not yet reported (guarded by this).
  private long dropped;
  private long droppedFrom;
  private long droppedTo;

  LocalSubscription(String filterText, TypeFilter filter, Consumer<? super ProcessEvent> handler,
      int capacity, Executor executor, Consumer<LocalSubscription> onUnsubscribe) {
    this.filterText = filterText;
    this.filter = filter;
    this.handler = handler;
    this.capacity = capacity;
    this.executor = executor;
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
   * Queues an event for the handler, which {@link #wake()} then wakes. Called by one thread at a
   * time (under the {@link Inbox}'s lock), as is {@code wake()}.
   *
   * @return whether this is the first offer since the last {@code wake()}
   */
  boolean offer(ReceivedEvent event) {
    boolean first = !offeredSinceWake;
    offeredSinceWake = true;
    if (closed) return first;
    synchronized (this) {
      if (size.get() >= capacity || queuedBytes.get() + event.size() > MAX_QUEUED_BYTES) {
        if (dropped++ == 0) droppedFrom = event.id();
        droppedTo = event.id();
        return first;
      }
      ReceivedEvent notice = takeDropNotice();
      if (notice != null) enqueue(notice);
      enqueue(event);
    }
    return first;
  }

  /** Has a handler thread take what {@link #offer} queued. */
  void wake() {
    offeredSinceWake = false;
    schedule();
  }

  @Override
  public void unsubscribe() {
    if (closed) return;
    cancel();
    onUnsubscribe.accept(this);
  }

  /** Drains a batch of events into the handler, on a handler thread. */
  @Override
  public void run() {
    try {
      for (int i = 0; i < BATCH && !closed; i++) {
        ReceivedEvent event = queue.poll();
        if (event != null) {
          size.decrementAndGet();
          queuedBytes.addAndGet(-event.size());
        } else if ((event = takeDropNotice()) == null) {
          break;
        }
        deliver(event);
      }
    } finally {
      scheduled.set(false);
      if (!closed && (!queue.isEmpty() || hasDropped())) schedule();
    }
  }

  private void deliver(ProcessEvent event) {
    try {
      handler.accept(event);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      Log.warn("handler for '" + filterText + "' threw on event " + event.id() + " ("
          + event.type() + "); delivery goes on", e);
    }
  }

  private void enqueue(ReceivedEvent event) {
    queue.add(event);
    size.incrementAndGet();
    queuedBytes.addAndGet(event.size());
  }

  private void schedule() {
    if (closed || !scheduled.compareAndSet(false, true)) return;
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      scheduled.set(false); // the emitter is closing
    }
  }

  private synchronized boolean hasDropped() {
    return dropped > 0;
  }

  private synchronized ReceivedEvent takeDropNotice() {
    if (dropped == 0) return null;
    ReceivedEvent notice = ReceivedEvent.overflowNotice(dropped, droppedFrom, droppedTo);
    dropped = 0;
    return notice;
  }

  /** Stops delivery without telling the connection (it is closing). */
  void cancel() {
    closed = true;
    queue.clear();
    size.set(0);
    queuedBytes.set(0);
  }
}
