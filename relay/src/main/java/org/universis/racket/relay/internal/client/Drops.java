package org.universis.racket.relay.internal.client;

/** A run of dropped events not yet reported: how many, and the first and last id. */
final class Drops {
  long count;
  long from;
  long to;

  void add(long id) {
    if (count++ == 0) from = id;
    to = id;
  }

  /** Moves other's run into this one (which, if any, is older). */
  void take(Drops other) {
    if (other.count == 0) return;
    if (count == 0) from = other.from;
    count += other.count;
    to = other.to;
    other.count = 0;
  }

  /** The notice for the run, which is then reported. */
  ReceivedEvent notice() {
    ReceivedEvent notice = ReceivedEvent.overflowNotice(count, from, to);
    count = 0;
    return notice;
  }
}
