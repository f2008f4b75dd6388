package org.universis.racket.relay.internal.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ServiceLoader;
import org.universis.racket.spi.Backplane;

/** Finds the {@link Backplane} implementation for a URI: only when one is configured. */
public final class Backplanes {

  static final String REDIS_JAR = "racket-backplane-redis.jar (org.universis:racket-backplane-redis)";

  private Backplanes() {}

  /**
   * @throws IllegalArgumentException when {@code backplane} is no URI, or no implementation on
   *     the class path serves its scheme (naming the jar to add)
   */
  public static Backplane.Provider provider(String backplane, ClassLoader loader) {
    URI uri = uri(backplane);
    for (Backplane.Provider p : ServiceLoader.load(Backplane.Provider.class, loader)) {
      if (p.accepts(uri)) return p;
    }
    String scheme = uri.getScheme();
    if ("redis".equalsIgnoreCase(scheme) || "rediss".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("backplane " + redacted(uri) + " needs " + REDIS_JAR
          + " on the class path; racket-relay.jar includes it, an embedded relay adds the dependency");
    }
    throw new IllegalArgumentException("backplane must be redis://host[:port][/db] or rediss://…,"
        + " not " + redacted(uri));
  }

  static URI uri(String backplane) {
    try {
      URI uri = new URI(backplane);
      if (uri.getScheme() == null || uri.getHost() == null) throw new URISyntaxException(backplane, "no host");
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("backplane must be a URI like redis://127.0.0.1:6379/0: "
          + (e.getReason() == null ? "" : e.getReason()));
    }
  }

  /** The URI without its user and password, for logs and errors. */
  static String redacted(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
