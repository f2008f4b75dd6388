package org.universis.racket.junit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.spi.TypeFilter;

/**
 * Records every event the test's relay carries, from the moment it is injected, and waits for them.
 *
 * <p>It is a subscriber of its own: once it is injected, its subscription is in place at the relay
 * (it has received its own {@code racket-junit.ready.<random>} event, which other subscribers of
 * {@code >} see too and it leaves out). It keeps the last {@value #CAPACITY} events.
 */
public final class RacketEvents implements AutoCloseable {

  /** The wait of {@link #await(String)} and {@link #assertOrder(String...)}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  static final int CAPACITY = 10_000;
  static final String READY = "racket-junit.ready";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final int SHOWN = 20;

  /** An event and whether an {@link #await} returned it already. */
  private static final class Recorded {
    final ProcessEvent event;
    boolean taken;

    Recorded(ProcessEvent event) {
      this.event = event;
    }

    @Override
    public String toString() {
      return event.type() + " #" + event.id() + (taken ? " (returned by an earlier await)" : "");
    }
  }

  private final ProcessEventEmitter emitter;
  private final String readyType;
  private final Deque<Recorded> events = new ArrayDeque<>();
  private long dropped;
  private boolean ready;

  private RacketEvents(ProcessEventEmitter emitter) {
    this.emitter = emitter;
    this.readyType = READY + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }

  /** A recorder of {@code relay}'s events, subscribed there when this returns. */
  static RacketEvents start(TestRelay relay) {
    RacketEvents recorder = new RacketEvents(relay.newEmitter());
    try {
      recorder.emitter.subscribe(recorder::record);
      recorder.emitter.emit(recorder.readyType, Map.of());
      recorder.awaitReady();
      return recorder;
    } catch (RuntimeException | Error e) {
      recorder.close();
      throw e;
    }
  }

  private synchronized void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try {
      for (long left; !ready; ) {
        if ((left = deadline - System.nanoTime()) <= 0) {
          throw new IllegalStateException("the racket-junit recorder was not subscribed at the test relay"
              + " within " + READY_TIMEOUT.toSeconds() + " s");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the recorder subscribed", e);
    }
  }

  private synchronized void record(ProcessEvent event) {
    if (event.type().startsWith(READY + ".")) {
      if (event.type().equals(readyType)) ready = true;
    } else {
      if (events.size() == CAPACITY) {
        events.removeFirst();
        dropped++;
      }
      events.addLast(new Recorded(event));
    }
    notifyAll();
  }

  /** Same as {@link #await(String, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public ProcessEvent await(String filter) {
    return await(filter, DEFAULT_TIMEOUT);
  }

  /**
   * The first recorded event whose type matches {@code filter} that no earlier {@code await}
   * returned, waiting up to {@code timeout} for it.
   *
   * @param filter a type, or patterns with {@code *} and {@code >}, comma separated: {@code job.*.done}
   * @throws AssertionError naming the filter, the wait and the events seen, when none came
   */
  public synchronized ProcessEvent await(String filter, Duration timeout) {
    TypeFilter wanted = TypeFilter.parse(filter);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Recorded r : events) {
        if (!r.taken && wanted.matches(r.event.type())) {
          r.taken = true;
          return r.event;
        }
      }
      waitUntil(deadline, () -> new AssertionError("no event matching '" + filter + "' within "
          + millis(timeout) + "; " + seen()));
    }
  }

  /**
   * Asserts that the recorded events of these types came in this order, waiting up to
   * {@link #DEFAULT_TIMEOUT} for enough of them: the types of the recorded events that are among
   * {@code types} must be exactly {@code types}.
   */
  public void assertOrder(String... types) {
    assertOrder(DEFAULT_TIMEOUT, types);
  }

  /** {@link #assertOrder(String...)}, waiting up to {@code timeout}. */
  public synchronized void assertOrder(Duration timeout, String... types) {
    List<String> expected = Arrays.asList(types);
    Set<String> among = Set.copyOf(expected);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> got;
    while ((got = typesAmong(among)).size() < expected.size()) {
      List<String> sofar = got;
      waitUntil(deadline, () -> new AssertionError("expected " + expected.size() + " events in the order "
          + expected + " within " + millis(timeout) + ", got " + sofar + "; " + seen()));
    }
    if (!got.equals(expected)) {
      throw new AssertionError("expected events in the order " + expected + " but got " + got + "; " + seen());
    }
  }

  /** Every event recorded so far (the last {@value #CAPACITY}), in the relay's order. */
  public synchronized List<ProcessEvent> all() {
    return events.stream().map(r -> r.event).collect(Collectors.toUnmodifiableList());
  }

  /** The types of {@link #all()}. */
  public synchronized List<String> types() {
    return events.stream().map(r -> r.event.type()).collect(Collectors.toUnmodifiableList());
  }

  /** Stops recording and closes the recorder's connection. */
  @Override
  public void close() {
    emitter.close();
  }

  private List<String> typesAmong(Set<String> among) {
    List<String> got = new ArrayList<>();
    for (Recorded r : events) {
      if (among.contains(r.event.type())) got.add(r.event.type());
    }
    return got;
  }

  private void waitUntil(long deadline, Supplier<AssertionError> timedOut) {
    long left = deadline - System.nanoTime();
    if (left <= 0) throw timedOut.get();
    try {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for events; " + seen(), e);
    }
  }

  private String seen() {
    if (events.isEmpty()) return "saw no event" + (dropped > 0 ? " (" + dropped + " older ones dropped)" : "");
    List<Recorded> last = new ArrayList<>(events).subList(Math.max(0, events.size() - SHOWN), events.size());
    return "saw " + (events.size() + dropped) + " event" + (events.size() + dropped == 1 ? "" : "s")
        + (events.size() > SHOWN || dropped > 0 ? ", the last " + last.size() : "") + ": " + last;
  }

  private static String millis(Duration d) {
    return d.toMillis() + " ms";
  }
}
