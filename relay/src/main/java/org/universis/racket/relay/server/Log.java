package org.universis.racket.relay.server;

import java.time.Instant;
import java.util.Locale;

/**
 * The relay's logger: one line per message on {@code System.err}. Not java.util.logging nor
 * System.Logger, which would start the JUL LogManager inside an app that embeds the relay.
 * Event bodies are never logged at INFO.
 */
final class Log {

  enum Level { DEBUG, INFO, WARN, ERROR, OFF }

  private static volatile Level threshold = Level.INFO;

  private Log() {}

  static void setLevel(Level level) {
    threshold = level;
  }

  static Level parseLevel(String text) {
    try {
      return Level.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("log-level must be one of debug, info, warn, error, off,"
          + " not '" + text + "'");
    }
  }

  static boolean debugEnabled() {
    return threshold == Level.DEBUG;
  }

  static void debug(String message) {
    log(Level.DEBUG, message, null);
  }

  static void info(String message) {
    log(Level.INFO, message, null);
  }

  static void warn(String message, Throwable error) {
    log(Level.WARN, message, error);
  }

  static void error(String message, Throwable error) {
    log(Level.ERROR, message, error);
  }

  private static void log(Level level, String message, Throwable error) {
    if (level.ordinal() < threshold.ordinal()) return;
    StringBuilder line = new StringBuilder(96).append(Instant.now()).append(' ').append(level)
        .append(" racket-relay: ").append(message);
    if (error != null) line.append(": ").append(error);
    System.err.println(line);
    if (error != null && threshold == Level.DEBUG) error.printStackTrace();
  }
}
