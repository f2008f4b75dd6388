package org.universis.racket.spi;

import org.universis.racket.RacketOptions;

/**
 * What an implementation of racket provides, found with {@link java.util.ServiceLoader} (declare it
 * in {@code META-INF/services/org.universis.racket.spi.RacketProvider}). racket-relay is one; the
 * agent's bridge is the other.
 */
public interface RacketProvider {

  /**
   * Opens a connection to the relay the options name. Returns at once: connecting, reconnecting and
   * (in {@link RacketOptions.Mode#AUTO}) hosting happen in the background.
   */
  RacketConnection connect(RacketOptions options);
}
