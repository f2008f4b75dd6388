package org.universis.racket.relay.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.universis.racket.spi.TypeFilter;

/**
 * The replay ring: the latest events, bounded by count and by bytes. Not thread-safe: the
 * {@link Sequencer} guards it with its lock.
 */
final class History {

  private final int maxEvents;
  private final long maxBytes;
  private final ArrayDeque<Event> events = new ArrayDeque<>();
  private long bytes;
  private boolean wrapped;

  History(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  void append(Event event) {
    events.addLast(event);
    bytes += event.size();
    while (!events.isEmpty() && (events.size() > maxEvents || bytes > maxBytes)) {
      bytes -= events.removeFirst().size();
      wrapped = true;
    }
  }

  /** Whether an event has ever been evicted. */
  boolean wrapped() {
    return wrapped;
  }

  /** The oldest id held, or {@code otherwise} when empty. */
  long oldestId(long otherwise) {
    return events.isEmpty() ? otherwise : events.peekFirst().id;
  }

  int size() {
    return events.size();
  }

  long bytes() {
    return bytes;
  }

  /** The held events after {@code afterId} that match {@code filter}, oldest first. */
  List<Event> after(long afterId, TypeFilter filter) {
    List<Event> out = new ArrayList<>();
    var it = events.descendingIterator();
    while (it.hasNext()) {
      Event e = it.next();
      if (e.id <= afterId) break;
      if (filter.matches(e.type)) out.add(e);
    }
    java.util.Collections.reverse(out);
    return out;
  }
}
