package org.universis.racket.backplane.redis;

import java.net.URI;
import org.universis.racket.spi.Backplane;

/** {@code redis://[user:password@]host[:port][/db]} and {@code rediss://…} (TLS). */
public final class RedisBackplaneProvider implements Backplane.Provider {

  @Override
  public boolean accepts(URI uri) {
    String scheme = uri.getScheme();
    return "redis".equalsIgnoreCase(scheme) || "rediss".equalsIgnoreCase(scheme);
  }

  @Override
  public Backplane open(URI uri, Backplane.Settings settings, Backplane.Receiver receiver) {
    return new RedisBackplane(uri, settings, receiver);
  }
}
