package org.universis.racket.relay.client;

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
    Thread t = new Thread(task, prefix + count.incrementAndGet());
    t.setDaemon(true);
    return t;
  }
}
