package org.universis.racket.relay.client;

import java.time.Instant;
import java.util.Locale;

/**
 * The client's tiny logger: one line to {@code System.err}. Not java.util.logging nor System.Logger,
 * which would start the JUL LogManager inside the application too early. The level comes from the
 * system property {@code racket.log} ({@code error}, {@code warn} (default), {@code info}, {@code debug}).
 * Event bodies are never logged.
 */
final class Log {

  private static final int ERROR = 0;
  private static final int WARN = 1;
  private static final int INFO = 2;
  private static final int DEBUG = 3;
  private static final int LEVEL = parse(System.getProperty("racket.log", "warn"));

  private Log() {}

  static void warn(String message) {
    log(WARN, "WARN", message, null);
  }

  static void warn(String message, Throwable cause) {
    log(WARN, "WARN", message, cause);
  }

  static void info(String message) {
    log(INFO, "INFO", message, null);
  }

  static void debug(String message) {
    log(DEBUG, "DEBUG", message, null);
  }

  private static void log(int level, String label, String message, Throwable cause) {
    if (level > LEVEL) return;
    StringBuilder line = new StringBuilder(128)
        .append(Instant.now()).append(" racket ").append(label)
        .append(" [").append(Thread.currentThread().getName()).append("] ").append(message);
    synchronized (System.err) {
      System.err.println(line);
      if (cause != null) cause.printStackTrace(System.err);
    }
  }

  private static int parse(String level) {
    switch (level.trim().toLowerCase(Locale.ROOT)) {
      case "error": return ERROR;
      case "info": return INFO;
      case "debug": return DEBUG;
      default: return WARN;
    }
  }
}
