package org.universis.racket.relay.internal.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.universis.racket.spi.Backplane;

/** {@code GET /health}, {@code GET /clients} and {@code GET /metrics}. */
final class StatusPages {

  private final Sequencer sequencer;
  private final Metrics metrics;
  private final Responses responses;
  private final String epoch;
  private final long startNanos = System.nanoTime();

  StatusPages(Sequencer sequencer, Metrics metrics, Responses responses, String epoch) {
    this.sequencer = sequencer;
    this.metrics = metrics;
    this.responses = responses;
    this.epoch = epoch;
  }

  void health(HttpServerExchange exchange) {
    Object[] fields = {"status", "ok", "relay", epoch,
        "lastId", sequencer.lastId(), "uptimeMillis", (System.nanoTime() - startNanos) / 1_000_000,
        "clients", sequencer.subscriberCount()};
    BackplaneLink link = sequencer.backplane();
    if (link != null) {
      Backplane.Status b = link.status();
      fields = Arrays.copyOf(fields, fields.length + 8);
      System.arraycopy(new Object[] {"backplane", link.name(), "backplaneConnected", b.connected(),
          "backplaneHeld", b.heldEvents(), "backplaneLagMillis", b.lagMillis()}, 0,
          fields, fields.length - 8, 8);
    }
    responses.json(exchange, 200, Json.object(fields));
  }

  void metrics(HttpServerExchange exchange) {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    exchange.getResponseSender().send(metrics.render(sequencer), StandardCharsets.UTF_8);
  }

  void clients(HttpServerExchange exchange) {
    responses.json(exchange, 200, Presence.clients(sequencer.subscribers(), null));
  }
}
