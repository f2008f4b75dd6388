package org.universis.racket.relay.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import org.universis.racket.spi.TypeFilter;

/** {@code GET /events}: opens a Server-Sent Events stream, replaying first when asked to. */
final class EventsStream implements HttpHandler {

  private final Sequencer sequencer;
  private final Responses responses;
  private final Connections connections;
  private final SubscriberLimits limits;
  private final Metrics metrics;

  EventsStream(Sequencer sequencer, Responses responses, Connections connections,
      SubscriberLimits limits, Metrics metrics) {
    this.sequencer = sequencer;
    this.responses = responses;
    this.connections = connections;
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    TypeFilter filter;
    Long resumeId;
    try {
      filter = TypeFilter.parse(EventsPost.query(exchange, "types"));
      resumeId = resumeId(exchange);
    } catch (IllegalArgumentException e) {
      responses.error(exchange, 400, e.getMessage());
      return;
    }
    if (!connections.tryAcquire(exchange.getSourceAddress())) {
      responses.error(exchange, 503, connections.refusal(exchange.getSourceAddress()));
      return;
    }
    exchange.setStatusCode(200);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    exchange.setPersistent(false);
    // Dispatched: the exchange stays open after this handler returns.
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> open(exchange, filter, resumeId));
  }

  private void open(HttpServerExchange exchange, TypeFilter filter, Long resumeId) {
    SubscriberInfo info = new SubscriberInfo("sse", Connections.address(exchange.getSourceAddress()),
        System.currentTimeMillis(), null);
    Subscriber[] self = new Subscriber[1];
    self[0] = new SseSubscriber(exchange, info, filter, limits, metrics, () -> {
      sequencer.unsubscribe(self[0]);
      connections.release(exchange.getSourceAddress());
    });
    sequencer.subscribe(self[0], resumeId, lastId -> SseSubscriber.GREETING);
  }

  private static Long resumeId(HttpServerExchange exchange) {
    String text = exchange.getRequestHeaders().getFirst("Last-Event-ID");
    if (text == null || text.isBlank()) text = EventsPost.query(exchange, "lastEventId");
    if (text == null || text.isBlank()) return null;
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Last-Event-ID must be an event id (an integer), not '"
          + text + "'");
    }
  }
}
