package org.universis.racket.relay.internal.client;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the JVM exits (its {@code main} returned, or {@code System.exit}), the emitters still open
 * get to deliver what was emitted just before: one shutdown hook waits for each one's emits to be
 * acknowledged, at most the emit-timeout, says on stderr how many it gave up on, and then lets a
 * relay hosted here drain to its subscribers ({@link RelayConnection#lastWords}). The client's
 * threads are daemons, and a shutdown hook runs while they still do: they read the acks.
 */
final class LastWords {

  private static final Set<RelayConnection> OPEN = ConcurrentHashMap.newKeySet();
  private static boolean hooked; // guarded by LastWords.class

  private LastWords() {}

  static void open(RelayConnection connection) {
    OPEN.add(connection);
    synchronized (LastWords.class) {
      if (hooked) return;
      hooked = true;
    }
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(LastWords::run, "racket-last-words"));
    } catch (IllegalStateException exiting) {
      // The JVM is already exiting: there is no later for this emitter's emits.
    }
  }

  static void closed(RelayConnection connection) {
    OPEN.remove(connection);
  }

  // One after the other, each up to its emit-timeout from the same start: the acks are read by
  // each emitter's own threads meanwhile, so the whole wait is the longest emit-timeout, not their
  // sum. Those that host no relay go first, so that a relay hosted here still takes their emits.
  private static void run() {
    long exiting = System.nanoTime();
    List<RelayConnection> open = List.copyOf(OPEN);
    for (RelayConnection c : open) if (!c.hosting()) c.lastWords(exiting);
    for (RelayConnection c : open) if (c.hosting()) c.lastWords(exiting);
  }
}
