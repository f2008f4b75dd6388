package org.universis.racket.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.universis.racket.relay.internal.client.ClientJson;

/**
 * The JVM client's own {@link ObjectMapper}, for the benchmark's "objects" view: every system's
 * publisher encodes and every subscriber decodes with this one mapper, its settings and its
 * serializers, so that the view compares transports, not JSON libraries or their settings.
 * Lives in the client's package to reach it; it changes nothing there.
 */
public final class BenchJson {

  private BenchJson() {}

  public static ObjectMapper mapper() {
    return ClientJson.MAPPER;
  }
}
