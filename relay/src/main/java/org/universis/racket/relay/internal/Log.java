package org.universis.racket.relay.internal;

import java.time.Instant;
import java.util.Locale;

/**
 * Internal: racket's own logger, shared by the relay and the client; not part of racket's API and
 * may change without notice. One line per message on {@code System.err}. Not java.util.logging nor
 * System.Logger, which would start the JUL LogManager too early inside an app that embeds the
 * client or the relay. Event bodies are never logged at INFO.
 *
 * <p>The level is the system property {@code racket.log} (debug, info, warn, error, off) when it is
 * set. Otherwise a library (the client, an embedded relay) logs at WARN, and the standalone relay
 * ({@link RelayMain}) at INFO or its {@code --log-level}.
 */
public final class Log {

  /** From most to least verbose; TRACE adds the debug output of Undertow and XNIO. */
  public enum Level { TRACE, DEBUG, INFO, WARN, ERROR, OFF }

  public static final String PROPERTY = "racket.log";
  private static final Level FROM_PROPERTY = fromProperty();
  private static volatile Level threshold = FROM_PROPERTY == null ? Level.WARN : FROM_PROPERTY;

  private Log() {}

  /** Sets the level unless {@code racket.log} chose one: the property always wins. */
  public static void setDefaultLevel(Level level) {
    if (FROM_PROPERTY == null) threshold = level;
  }

  /** Sets the level whatever {@code racket.log} says: for the agent, whose arguments outrank it. */
  public static void setLevel(Level level) {
    threshold = level;
  }

  public static Level parseLevel(String text) {
    try {
      return Level.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("log level '" + text + "' is not one of trace, debug,"
          + " info, warn, error, off");
    }
  }

  public static boolean enabled(Level level) {
    return level.ordinal() >= threshold.ordinal();
  }

  public static void debug(String message) {
    log(Level.DEBUG, message, null);
  }

  public static void info(String message) {
    log(Level.INFO, message, null);
  }

  public static void warn(String message) {
    log(Level.WARN, message, null);
  }

  /** Logs {@code message} and the stack trace of {@code cause}. */
  public static void warn(String message, Throwable cause) {
    log(Level.WARN, message, cause);
  }

  /** Logs {@code message} at {@code level}: for loggers routed here ({@link JbossLogging}). */
  public static void log(Level level, String message) {
    log(level, message, null);
  }

  private static void log(Level level, String message, Throwable cause) {
    if (!enabled(level)) return;
    String line = Instant.now() + " " + level + " racket [" + Thread.currentThread().getName() + "] "
        + message;
    synchronized (System.err) { // keep the line and its stack trace together
      System.err.println(line);
      if (cause != null) cause.printStackTrace(System.err);
    }
  }

  // A bad value must not stop the app that carries the client: say so once and ignore it.
  private static Level fromProperty() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) return null;
    try {
      return parseLevel(value);
    } catch (IllegalArgumentException e) {
      System.err.println("racket: ignoring -D" + PROPERTY + "=" + value + ": must be one of trace, debug,"
          + " info, warn, error, off");
      return null;
    }
  }
}
