package org.universis.racket.relay.internal.client;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes the client's threads: daemons named {@code racket-<role>-<n>}, so none keeps a JVM alive. */
final class DaemonThreads implements ThreadFactory {

  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();

  DaemonThreads(String role) {
    this.prefix = "racket-" + role + "-";
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread t = new RacketThread(task, prefix + count.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  /** Whether the caller runs on one of the client's threads (a reader, a handler, a sender). */
  static boolean isRacketThread() {
    return Thread.currentThread() instanceof RacketThread;
  }

  private static final class RacketThread extends Thread {
    RacketThread(Runnable task, String name) {
      super(task, name);
    }
  }
}
