package org.universis.racket.agent.internal;

import java.util.Locale;

/**
 * The agent's logger: one line per message on stderr. Not java.util.logging nor System.Logger, which
 * would start the JUL LogManager inside the application before the application configures it.
 */
final class AgentLog {

  /** TRACE adds the debug output of the agent's Undertow and XNIO. */
  enum Level { ERROR, WARN, INFO, DEBUG, TRACE }

  private static volatile Level level = Level.WARN;

  private AgentLog() {}

  static void level(Level l) {
    level = l;
  }

  static Level parseLevel(String text) {
    try {
      return Level.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("log '" + text + "' is not one of error, warn, info, debug", e);
    }
  }

  static boolean enabled(Level l) {
    return l.compareTo(level) <= 0;
  }

  static void warn(String message, Throwable t) {
    log(Level.WARN, message + (t == null ? "" : ": " + t));
  }

  static void warn(String message) {
    log(Level.WARN, message);
  }

  static void info(String message) {
    log(Level.INFO, message);
  }

  static void debug(String message) {
    log(Level.DEBUG, message);
  }

  static void log(Level l, String message) {
    if (enabled(l)) System.err.println("racket-agent " + l + " " + message);
  }
}
