package org.universis.racket.agent.internal;

import java.text.MessageFormat;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.logging.LoggerProvider;
import org.universis.racket.relay.server.Log;

/**
 * Routes the JBoss Logging of the agent's own Undertow and XNIO to {@link Log}. Without it,
 * JBoss Logging would fall back to java.util.logging and start the JUL LogManager inside the
 * application. Found by JBoss Logging through {@code META-INF/services} of the agent's isolated
 * world, so the application's own JBoss Logging is untouched.
 */
public final class JbossLogging implements LoggerProvider {

  @Override
  public Logger getLogger(String name) {
    return new StderrLogger(name);
  }

  // No mapped or nested diagnostic contexts: the relay does not use them.
  @Override
  public void clearMdc() {}

  @Override
  public Object putMdc(String key, Object value) {
    return null;
  }

  @Override
  public Object getMdc(String key) {
    return null;
  }

  @Override
  public void removeMdc(String key) {}

  @Override
  public Map<String, Object> getMdcMap() {
    return Map.of();
  }

  @Override
  public void clearNdc() {}

  @Override
  public String getNdc() {
    return null;
  }

  @Override
  public int getNdcDepth() {
    return 0;
  }

  @Override
  public String popNdc() {
    return "";
  }

  @Override
  public String peekNdc() {
    return "";
  }

  @Override
  public void pushNdc(String message) {}

  @Override
  public void setNdcMaxDepth(int maxDepth) {}

  private static final class StderrLogger extends Logger {
    private static final long serialVersionUID = 1L;

    StderrLogger(String name) {
      super(name);
    }

    @Override
    public boolean isEnabled(Level level) {
      return Log.enabled(map(level));
    }

    @Override
    protected void doLog(Level level, String loggerClassName, Object message, Object[] parameters,
        Throwable thrown) {
      if (!isEnabled(level)) return;
      String text = parameters == null || parameters.length == 0
          ? String.valueOf(message)
          : MessageFormat.format(String.valueOf(message), parameters);
      log(level, text, thrown);
    }

    @Override
    protected void doLogf(Level level, String loggerClassName, String format, Object[] parameters,
        Throwable thrown) {
      if (!isEnabled(level)) return;
      log(level, parameters == null ? format : String.format(format, parameters), thrown);
    }

    private void log(Level level, String text, Throwable thrown) {
      Log.log(map(level), getName() + ": " + text + (thrown == null ? "" : ": " + thrown));
    }

    // One level down: Undertow's and XNIO's INFO banners are the agent's DEBUG; their DEBUG and
    // TRACE (a line per selector wake-up) only at log=trace.
    private static Log.Level map(Level level) {
      switch (level) {
        case FATAL:
        case ERROR:
          return Log.Level.ERROR;
        case WARN:
          return Log.Level.WARN;
        case INFO:
          return Log.Level.DEBUG;
        default:
          return Log.Level.TRACE;
      }
    }
  }
}
