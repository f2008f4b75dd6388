package org.universis.racket.relay.internal.server;

import java.text.MessageFormat;
import java.util.List;
import java.util.Map;
import org.jboss.logging.JDKLoggerProvider;
import org.jboss.logging.Log4j2LoggerProvider;
import org.jboss.logging.Logger;
import org.jboss.logging.LoggerProvider;
import org.jboss.logging.Slf4jLoggerProvider;
import org.universis.racket.relay.internal.Log;

/**
 * Routes the JBoss Logging of racket's Undertow, XNIO and JBoss Threads to {@link Log}, in every
 * mode: the standalone relay, a relay hosted through the library, and the agent's isolated world.
 * Without it JBoss Logging falls back to java.util.logging, which prints two lines per message in
 * its own format and starts the JUL LogManager inside the application.
 *
 * <p>JBoss Logging finds it through {@code META-INF/services/org.jboss.logging.LoggerProvider}
 * (no system property is set). Other loggers of an application that shares this JBoss Logging
 * (Hibernate, say) go where JBoss Logging would have sent them without racket: Log4j 2, Logback
 * through SLF4J, else java.util.logging, chosen when the first of them is asked for, so a process
 * that only runs racket never loads the JUL LogManager. So do its mapped and nested diagnostic
 * contexts; racket's libraries use none.
 */
public final class JbossLogging implements LoggerProvider {

  /** The logger names of the libraries the relay runs on. */
  private static final List<String> RACKET_STACK =
      List.of("io.undertow", "org.xnio", "org.jboss.threads", "org.jboss.logging", "org.wildfly.common",
          "org.wildfly.client");

  private volatile LoggerProvider others;

  @Override
  public Logger getLogger(String name) {
    if (RACKET_STACK.stream().anyMatch(name::startsWith)) return new RacketLogger(name);
    return others().getLogger(name);
  }

  private LoggerProvider others() {
    LoggerProvider provider = others;
    if (provider == null) others = provider = withoutRacket();
    return provider;
  }

  // JBoss Logging's own order after its service loader, less JBoss LogManager and Log4j 1.
  private static LoggerProvider withoutRacket() {
    ClassLoader loader = Logger.class.getClassLoader();
    try {
      if (present("org.apache.logging.log4j.spi.AbstractLogger", loader)) return new Log4j2LoggerProvider();
      if (present("ch.qos.logback.classic.Logger", loader)) return new Slf4jLoggerProvider();
      return new JDKLoggerProvider();
    } catch (LinkageError e) { // an old JBoss Logging whose providers are not public
      return new RacketOnly();
    }
  }

  private static boolean present(String className, ClassLoader loader) {
    try {
      Class.forName(className, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Override
  public void clearMdc() {
    others().clearMdc();
  }

  @Override
  public Object putMdc(String key, Object value) {
    return others().putMdc(key, value);
  }

  @Override
  public Object getMdc(String key) {
    return others().getMdc(key);
  }

  @Override
  public void removeMdc(String key) {
    others().removeMdc(key);
  }

  @Override
  public Map<String, Object> getMdcMap() {
    return others().getMdcMap();
  }

  @Override
  public void clearNdc() {
    others().clearNdc();
  }

  @Override
  public String getNdc() {
    return others().getNdc();
  }

  @Override
  public int getNdcDepth() {
    return others().getNdcDepth();
  }

  @Override
  public String popNdc() {
    return others().popNdc();
  }

  @Override
  public String peekNdc() {
    return others().peekNdc();
  }

  @Override
  public void pushNdc(String message) {
    others().pushNdc(message);
  }

  @Override
  public void setNdcMaxDepth(int maxDepth) {
    others().setNdcMaxDepth(maxDepth);
  }

  /** Every logger to {@link Log}, and no diagnostic contexts: when no other backend can be had. */
  private static final class RacketOnly implements LoggerProvider {
    @Override
    public Logger getLogger(String name) {
      return new RacketLogger(name);
    }

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
  }

  /** One logger name's messages, as {@link Log} lines; an OutOfMemoryError among them is checked. */
  static final class RacketLogger extends Logger {
    private static final long serialVersionUID = 1L;

    RacketLogger(String name) {
      super(name);
    }

    @Override
    public boolean isEnabled(Level level) {
      return Log.enabled(map(level));
    }

    @Override
    protected void doLog(Level level, String loggerClassName, Object message, Object[] parameters,
        Throwable thrown) {
      if (thrown != null) OutOfMemoryExit.check(thrown);
      if (!isEnabled(level)) return;
      String text = parameters == null || parameters.length == 0
          ? String.valueOf(message)
          : MessageFormat.format(String.valueOf(message), parameters);
      log(level, text, thrown);
    }

    @Override
    protected void doLogf(Level level, String loggerClassName, String format, Object[] parameters,
        Throwable thrown) {
      if (thrown != null) OutOfMemoryExit.check(thrown);
      if (!isEnabled(level)) return;
      log(level, parameters == null ? format : String.format(format, parameters), thrown);
    }

    private void log(Level level, String text, Throwable thrown) {
      Log.log(map(level), getName() + ": " + text + (thrown == null ? "" : ": " + thrown));
    }

    // One level down: Undertow's and XNIO's INFO lines (versions, start, stop) are racket's DEBUG;
    // their DEBUG and TRACE (a line per selector wake-up) only at TRACE.
    static Log.Level map(Level level) {
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
