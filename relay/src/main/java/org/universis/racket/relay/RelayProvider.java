package org.universis.racket.relay;

import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.client.RelayConnection;
import org.universis.racket.relay.internal.client.UserSecret;
import org.universis.racket.spi.RacketConnection;
import org.universis.racket.spi.RacketProvider;

/**
 * racket-relay's implementation of the api: a WebSocket client of the relay that, in {@code auto}
 * and {@code relay} mode, also hosts the relay when needed. Found by {@link java.util.ServiceLoader}.
 */
public final class RelayProvider implements RacketProvider {

  /** For {@link java.util.ServiceLoader}. */
  public RelayProvider() {}

  /**
   * The token a client of this user shows a relay: the token option, else this user's secret
   * (docs/SECURITY.md, Other local users), made if absent; {@code null} when neither can be had.
   * For tools that speak plain HTTP to the relay, as the README's curl line does.
   */
  public static String token(RacketOptions options) {
    return UserSecret.of(options);
  }

  /**
   * Returns at once; connecting (and hosting) happens on racket's daemon threads.
   *
   * @throws IllegalStateException in {@code off} mode
   */
  @Override
  public RacketConnection connect(RacketOptions options) {
    if (options.mode() == RacketOptions.Mode.OFF) {
      throw new IllegalStateException("racket is off (mode=off): this JVM neither emits nor"
          + " receives; set the mode option (racket.mode, RACKET_MODE) to auto, client or relay");
    }
    RelayConnection connection = new RelayConnection(options);
    connection.start();
    return connection;
  }
}
