package org.universis.racket.relay.internal.server;

/**
 * The standalone relay exits on an {@link OutOfMemoryError}, with {@link #STATUS} and one line on
 * stderr, so that its supervisor restarts it: past one, any thread may have died mid-task (a lock
 * holder, the accept loop), leaving a relay up but wedged, deaf even to SIGTERM. Undertow and
 * XNIO catch what their IO threads and handlers throw and log it, so the error is found in what
 * they log ({@link JbossLogging}) as well as in threads that die of it. A relay hosted in an
 * application never installs this: it never ends its host; there its bounds keep it within its
 * memory.
 */
public final class OutOfMemoryExit {

  /** The exit status of a relay that ran out of memory. */
  static final int STATUS = 3;

  private static volatile boolean installed;

  private OutOfMemoryExit() {}

  /** Exits on an OutOfMemoryError from now on, wherever it is seen. */
  public static void install() {
    installed = true;
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
      check(e);
      if (before != null) {
        before.uncaughtException(thread, e);
      } else {
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        e.printStackTrace();
      }
    });
  }

  /** Ends the process if {@code e} is or was caused by an OutOfMemoryError and this is installed. */
  static void check(Throwable e) {
    if (!installed) return;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        // No Log call, no string building beyond this: memory is what is missing.
        System.err.println("racket relay: out of memory; exiting with status " + STATUS
            + " for a supervisor to restart it");
        System.err.flush();
        Runtime.getRuntime().halt(STATUS);
      }
    }
  }
}
