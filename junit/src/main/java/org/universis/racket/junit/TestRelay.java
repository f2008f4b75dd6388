package org.universis.racket.junit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;

/** The embedded relay of a test: on a free loopback port, on daemon threads, closed after it. */
public final class TestRelay implements AutoCloseable {

  /** The relays of running test classes, for Spring's test context (see RacketContextCustomizerFactory). */
  private static final Map<Class<?>, TestRelay> BY_CLASS = new ConcurrentHashMap<>();

  private final Relay relay;
  private final Class<?> testClass;

  private TestRelay(Relay relay, Class<?> testClass) {
    this.relay = relay;
    this.testClass = testClass;
  }

  /** A relay for a test method ({@code testClass} null) or for a whole test class. */
  static TestRelay start(Class<?> testClass) {
    TestRelay r = new TestRelay(Relay.start(
        RelayConfig.builder().host("127.0.0.1").port(0).daemonThreads(true).build()), testClass);
    if (testClass != null) BY_CLASS.put(testClass, r);
    return r;
  }

  /** The running relay of {@code testClass}'s class-wide lifecycle, or null. */
  static TestRelay ofClass(Class<?> testClass) {
    return BY_CLASS.get(testClass);
  }

  /** The url emitters use, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + relay.port();
  }

  public int port() {
    return relay.port();
  }

  /**
   * A new emitter connected to this relay and only to it ({@code client} mode: never hosts); the
   * caller closes it.
   */
  public ProcessEventEmitter newEmitter() {
    return new ProcessEventEmitter(RacketOptions.builder()
        .url(url()).mode(RacketOptions.Mode.CLIENT).token(null).build());
  }

  /** Stops the relay and every thread it started. */
  @Override
  public void close() {
    if (testClass != null) BY_CLASS.remove(testClass, this);
    relay.close();
  }

  @Override
  public String toString() {
    return "TestRelay[" + url() + "]";
  }
}
