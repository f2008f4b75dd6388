package org.universis.racket.relay.internal.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;
import org.universis.racket.relay.internal.codec.Ack;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.spi.Backplane;
import org.universis.racket.spi.TypeFilter;

/**
 * The relay's single order. Under one lock it numbers each event, encodes its envelope once,
 * copies it into the history and offers the same bytes to every matching subscriber; offers never
 * block and no socket is written under the lock, so the lock is only ever held for a copy.
 */
public final class Sequencer {

  /** 2025-01-01T00:00Z in milliseconds since the Unix epoch. */
  static final long ID_EPOCH_MILLIS = Backplane.ID_EPOCH_MILLIS;
  /** Ids per millisecond of relay start time: a later relay's ids exceed an earlier one's. */
  static final long IDS_PER_MILLI = Backplane.IDS_PER_MILLI;

  private final Object lock = new Object();
  private final History history;
  private final Notices notices;
  private final Metrics metrics;
  private final long firstId;
  private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private long nextId;
  private volatile long lastId;
  private volatile boolean stopped; // written under lock
  /** The shared log that numbers events instead, or {@code null}: this relay numbers its own. */
  private volatile BackplaneLink backplane;

  public Sequencer(long startMillis, History history, Notices notices, Metrics metrics) {
    this.firstId = (startMillis - ID_EPOCH_MILLIS) * IDS_PER_MILLI;
    this.nextId = firstId;
    this.lastId = firstId - 1;
    this.history = history;
    this.notices = notices;
    this.metrics = metrics;
  }

  /** Sends emits through {@code link}'s log from now on; the log's ids replace the relay's own. */
  void join(BackplaneLink link) {
    synchronized (lock) {
      backplane = link;
    }
  }

  BackplaneLink backplane() {
    return backplane;
  }

  /** The id the relay assigned last; {@code firstId - 1} before the first event. */
  long lastId() {
    return lastId;
  }

  long firstId() {
    return firstId;
  }

  /**
   * Numbers and fans out events, in the given order; under a backplane, appends them to its log,
   * from which they come back numbered ({@link #deliver}).
   *
   * @param origin the origin object's JSON
   * @param ackTo the emitter's connection, which gets an ack after each event, or {@code null}
   * @param ackRun whether {@code ackTo} gets one ack for them all instead, after the last: their
   *     ids are consecutive (one lock, or one append to the backplane's log), so the last seq and
   *     id and their count name every one
   * @return the ids assigned, done at once without a backplane; failed when the backplane cannot
   *     take them (its message says why), or with a {@link StoppedException} once {@link #stop}
   *     ran: then nothing is numbered, nor acknowledged
   */
  public CompletableFuture<long[]> publish(List<Emit> emits, byte[] origin, Subscriber ackTo, boolean ackRun) {
    BackplaneLink link = backplane;
    long[] ids = stopped || link != null ? null : number(emits, origin, ackTo, ackRun);
    if (ids != null) return CompletableFuture.completedFuture(ids);
    if (stopped) return CompletableFuture.failedFuture(new StoppedException());
    return link.publish(emits, origin, ackTo, ackRun);
  }

  // The ids, or null once stopped.
  private long[] number(List<Emit> emits, byte[] origin, Subscriber ackTo, boolean ackRun) {
    long[] ids = new long[emits.size()];
    long time = System.currentTimeMillis();
    synchronized (lock) {
      if (stopped) return null;
      for (int i = 0; i < ids.length; i++) {
        Emit emit = emits.get(i);
        long id = nextId++;
        fanOut(new Event(id, emit.type(), Envelope.encode(id, emit.type(), time,
            origin, emit.seq(), emit.bytes(), emit.from(), emit.to())));
        if (ackTo != null && !ackRun) ackTo.offerControl(Ack.write(emit.seq(), id, 1));
        ids[i] = id;
      }
      lastId = nextId - 1;
      if (ackTo != null && ackRun && ids.length > 0) {
        ackTo.offerControl(Ack.write(emits.get(ids.length - 1).seq(), lastId, ids.length));
      }
    }
    metrics.published.add(ids.length);
    return ids;
  }

  // Under the lock.
  private void fanOut(Event event) {
    history.append(event);
    for (Subscriber s : subscribers) {
      if (s.filter().matches(event.type) && !s.offer(event)) subscribers.remove(s);
    }
  }

  /**
   * Fans out an event the backplane's log numbered, in the log's order; one it delivered before
   * (its id not above the last) is not sent twice.
   */
  void deliver(long id, BackplaneEntry e) {
    synchronized (lock) {
      if (id <= lastId) return;
      // What came before the first event this relay read is not its to replay.
      if (lastId < firstId) history.forget(id - 1);
      fanOut(new Event(id, e.type(), Envelope.encode(id, e.type(), e.time(), e.origin(),
          e.seq(), e.body())));
      nextId = id + 1;
      lastId = id;
    }
    metrics.published.increment();
  }

  /** Events after {@code afterId} up to {@code toId} are lost to this relay: a resync for all. */
  void gap(long afterId, long toId) {
    synchronized (lock) {
      if (toId <= lastId) return;
      history.forget(toId);
      Event notice = notices.resync("backplane", -1, afterId + 1, toId);
      for (Subscriber s : subscribers) {
        if (!s.offer(notice)) subscribers.remove(s);
      }
      nextId = toId + 1;
      lastId = toId;
    }
  }

  /**
   * Registers a subscriber, first queueing {@code greeting} (given the last id) and, when it
   * resumes, a cursor over what it missed: the ids after its last one, up to the last id
   * assigned. The cursor's end and the registration share the lock, so the switch from replay to
   * live has no gap and no duplicate. The subscriber reads the history through the cursor a frame
   * at a time ({@link #replay}): a replay holds one frame of events, not a copy of the history.
   *
   * @param resumeId the last id the subscriber saw, or {@code null} for live only
   * @param greeting the first message, from the last id assigned, or {@code null}
   */
  public void subscribe(Subscriber subscriber, Long resumeId, LongFunction<byte[]> greeting) {
    synchronized (lock) {
      List<Outgoing> first = new ArrayList<>();
      if (greeting != null) first.add(new Outgoing.Control(greeting.apply(lastId)));
      ReplayCursor cursor = resumeId == null ? null
          : new ReplayCursor(this, replayStart(resumeId, first), lastId, history.replayShare());
      subscriber.startWith(first, cursor);
      subscribers.add(subscriber);
    }
  }

  // The replay rule (see PROTOCOL.md): an id from an earlier relay replays everything held; an
  // id whose successors were evicted gets a resync notice first. Returns the id replay starts after.
  private long replayStart(long resumeId, List<Outgoing> first) {
    long from = resumeId < firstId ? firstId : resumeId + 1;
    long evicted = history.evictedThrough();
    if (from <= evicted) {
      first.add(notices.resync("history", -1, from, evicted));
      return evicted;
    }
    return from - 1;
  }

  /**
   * The next part of a replay: a resync notice if events after {@code afterId} were evicted
   * since it began, then the held events after {@code afterId} up to {@code toId} that match
   * {@code filter}, about {@code maxBytes} of them.
   */
  ReplayCursor.Part replay(long afterId, long toId, TypeFilter filter, int maxBytes) {
    synchronized (lock) {
      List<Outgoing> items = new ArrayList<>();
      if (afterId < history.evictedThrough()) {
        long end = Math.min(toId, history.evictedThrough());
        items.add(notices.resync("history", -1, afterId + 1, end));
        afterId = end;
      }
      long reached = afterId >= toId ? toId : history.after(afterId, toId, filter, maxBytes, items);
      return new ReplayCursor.Part(items, reached);
    }
  }

  /**
   * Takes no more events: the relay is shutting down. What was numbered before stays queued for
   * its subscribers; emits after it are never acknowledged, so their clients send them again to
   * the next relay.
   */
  void stop() {
    synchronized (lock) {
      stopped = true;
    }
  }

  /** An event offered after {@link #stop}. */
  static final class StoppedException extends RuntimeException {
    StoppedException() {
      super("the relay is shutting down", null, false, false);
    }
  }

  void unsubscribe(Subscriber subscriber) {
    subscribers.remove(subscriber);
  }

  List<Subscriber> subscribers() {
    return List.copyOf(subscribers);
  }

  int subscriberCount() {
    return subscribers.size();
  }

  long queueDepth() {
    long depth = 0;
    for (Subscriber s : subscribers) depth += s.queued();
    return depth;
  }

  /** The {@code racket.resync} notices made so far, for {@code /metrics}. */
  long resyncs() {
    return notices.made();
  }

  int historySize() {
    synchronized (lock) {
      return history.size();
    }
  }

  long historyBytes() {
    synchronized (lock) {
      return history.bytes();
    }
  }
}
