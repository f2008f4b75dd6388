package org.universis.racket.relay.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;
import org.universis.racket.relay.codec.EnvelopeEncoder;

/**
 * The relay's single order. Under one lock it numbers each event, encodes its envelope once,
 * copies it into the history and offers the same bytes to every matching subscriber; offers never
 * block and no socket is written under the lock, so the lock is only ever held for a copy.
 */
final class Sequencer {

  /** 2025-01-01T00:00Z in milliseconds since the Unix epoch. */
  static final long ID_EPOCH_MILLIS = 1_735_689_600_000L;
  /** Ids per millisecond of relay start time: a later relay's ids exceed an earlier one's. */
  static final long IDS_PER_MILLI = 1024;

  private final Object lock = new Object();
  private final History history;
  private final Notices notices;
  private final Metrics metrics;
  private final long firstId;
  private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private long nextId;
  private volatile long lastId;
  private boolean stopped; // guarded by lock

  Sequencer(long startMillis, History history, Notices notices, Metrics metrics) {
    this.firstId = (startMillis - ID_EPOCH_MILLIS) * IDS_PER_MILLI;
    this.nextId = firstId;
    this.lastId = firstId - 1;
    this.history = history;
    this.notices = notices;
    this.metrics = metrics;
  }

  /** The id the relay assigned last; {@code firstId - 1} before the first event. */
  long lastId() {
    return lastId;
  }

  long firstId() {
    return firstId;
  }

  /**
   * Numbers and fans out events, in the given order.
   *
   * @param origin the origin object's JSON
   * @param ackTo the emitter's connection, which gets an ack after each event, or {@code null}
   * @param ackRun whether {@code ackTo} gets one ack for them all instead, after the last: their
   *     ids are consecutive (one lock), so the last seq and id and their count name every one
   * @return the ids assigned
   * @throws StoppedException once {@link #stop} ran: nothing is numbered, nor acknowledged
   */
  long[] publish(List<Emit> emits, byte[] origin, Subscriber ackTo, boolean ackRun) {
    long[] ids = new long[emits.size()];
    long time = System.currentTimeMillis();
    synchronized (lock) {
      if (stopped) throw new StoppedException();
      for (int i = 0; i < ids.length; i++) {
        Emit emit = emits.get(i);
        long id = nextId++;
        Event event = new Event(id, emit.type(), EnvelopeEncoder.encode(id, emit.type(), time,
            origin, emit.seq(), emit.bytes(), emit.from(), emit.to()));
        history.append(event);
        for (Subscriber s : subscribers) {
          if (s.filter().matches(event.type) && !s.offer(event)) subscribers.remove(s);
        }
        if (ackTo != null && !ackRun) ackTo.offerControl(EnvelopeEncoder.ack(emit.seq(), id, 1));
        ids[i] = id;
      }
      lastId = nextId - 1;
      if (ackTo != null && ackRun && ids.length > 0) {
        ackTo.offerControl(EnvelopeEncoder.ack(emits.get(ids.length - 1).seq(), lastId, ids.length));
      }
    }
    metrics.published.add(ids.length);
    return ids;
  }

  /**
   * Registers a subscriber, first queueing {@code greeting} (given the last id) and, when it
   * resumes, what it missed: the replay snapshot and the registration share the lock, so the
   * switch from replay to live has no gap and no duplicate.
   *
   * @param resumeId the last id the subscriber saw, or {@code null} for live only
   * @param greeting the first message, from the last id assigned, or {@code null}
   */
  void subscribe(Subscriber subscriber, Long resumeId, LongFunction<Object> greeting) {
    synchronized (lock) {
      List<Object> first = new ArrayList<>();
      if (greeting != null) first.add(greeting.apply(lastId));
      if (resumeId != null) first.addAll(replay(resumeId, subscriber));
      subscriber.startWith(first);
      subscribers.add(subscriber);
    }
  }

  // The replay rule (see PROTOCOL.md): an id from an earlier relay replays everything held; an
  // id whose successors were evicted gets a resync notice first.
  private List<Object> replay(long resumeId, Subscriber subscriber) {
    List<Object> out = new ArrayList<>();
    long oldest = history.oldestId(nextId);
    boolean earlierRelay = resumeId < firstId;
    boolean gap = earlierRelay ? history.wrapped() : resumeId + 1 < oldest;
    if (gap) {
      long from = earlierRelay ? firstId : resumeId + 1;
      out.add(notices.resync("history", -1, from, oldest - 1));
    }
    out.addAll(history.after(resumeId, subscriber.filter()));
    return out;
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
