package org.universis.racket.spring;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.json.JsonParserFactory;
import org.universis.racket.RacketOptions;

/**
 * Up when the relay answers {@code GET /health} with status ok; the details name the relay and
 * count what went through this process.
 */
final class RacketHealthIndicator extends AbstractHealthIndicator {

  static final int TIMEOUT_MILLIS = 2_000;
  /** The relay's health answer is a few hundred bytes; anything longer is not one. */
  private static final int MAX_ANSWER = 16 * 1024;

  private final RacketOptions options;
  private final RacketStats stats;

  RacketHealthIndicator(RacketOptions options, RacketStats stats) {
    super("racket relay check failed");
    this.options = options;
    this.stats = stats;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws IOException {
    builder.withDetail("url", options.url().toString())
        .withDetail("emitted", stats.emitted())
        .withDetail("emitFailures", stats.emitFailures())
        .withDetail("received", stats.received())
        .withDetail("resyncs", stats.resyncs())
        .withDetail("dropped", stats.dropped());
    HttpURLConnection http = (HttpURLConnection) URI.create(options.url() + "/health").toURL().openConnection();
    http.setConnectTimeout(TIMEOUT_MILLIS);
    http.setReadTimeout(TIMEOUT_MILLIS);
    // GET /health needs no token, and the token goes to nothing that has not proved it is the relay.
    try {
      int status = http.getResponseCode();
      Map<String, Object> relay = status == 200 ? JsonParserFactory.getJsonParser().parseMap(read(http)) : Map.of();
      if ("ok".equals(relay.get("status"))) {
        builder.up().withDetail("relay", relay);
      } else {
        builder.down().withDetail("relayStatus", status);
      }
    } finally {
      http.disconnect();
    }
  }

  private static String read(HttpURLConnection http) throws IOException {
    try (InputStream in = http.getInputStream()) {
      byte[] body = in.readNBytes(MAX_ANSWER + 1);
      if (body.length > MAX_ANSWER) throw new IOException("the relay's /health answer is over " + MAX_ANSWER + " bytes");
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
