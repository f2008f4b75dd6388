package org.universis.racket;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.universis.racket.spi.RacketProvider;

/** Finds the implementation behind the api, once. */
final class RacketBinding {

  static final String NO_PROVIDER = "No racket implementation found. Either add"
      + " org.universis:racket-relay to the class path, or start the JVM with"
      + " -javaagent:racket.jar";

  private static volatile RacketProvider provider;

  private RacketBinding() {}

  /**
   * The provider: the racket agent's when the JVM runs one (see {@link AgentBridge}), else the first
   * {@link ServiceLoader} one visible from the api's class loader.
   *
   * @throws IllegalStateException naming both fixes when there is none
   */
  static RacketProvider provider() {
    RacketProvider p = provider;
    if (p == null) {
      synchronized (RacketBinding.class) {
        p = provider;
        if (p == null) {
          p = AgentBridge.provider();
          provider = p = p != null ? p : load();
        }
      }
    }
    return p;
  }

  private static RacketProvider load() {
    try {
      Iterator<RacketProvider> it =
          ServiceLoader.load(RacketProvider.class, RacketBinding.class.getClassLoader()).iterator();
      if (it.hasNext()) return it.next();
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException(NO_PROVIDER + " (" + e.getMessage() + ")", e);
    }
    throw new IllegalStateException(NO_PROVIDER);
  }
}
