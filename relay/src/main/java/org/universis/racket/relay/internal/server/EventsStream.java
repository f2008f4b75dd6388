package org.universis.racket.relay.internal.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import org.universis.racket.Origin;
import org.universis.racket.spi.TypeFilter;

/** {@code GET /events}: opens a Server-Sent Events stream, replaying first when asked to. */
final class EventsStream implements HttpHandler {

  private final Sequencer sequencer;
  private final Responses responses;
  private final Connections connections;
  private final SubscriberLimits limits;
  private final Metrics metrics;
  private final Presence presence;

  EventsStream(Sequencer sequencer, Responses responses, Connections connections,
      SubscriberLimits limits, Metrics metrics) {
    this.sequencer = sequencer;
    this.responses = responses;
    this.connections = connections;
    this.limits = limits;
    this.metrics = metrics;
    this.presence = new Presence(sequencer, limits.notices());
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    TypeFilter filter;
    Long resumeId;
    Origin origin;
    boolean untyped = "true".equals(EventsPost.query(exchange, "untyped"));
    try {
      filter = TypeFilter.parse(EventsPost.query(exchange, "types"));
      resumeId = resumeId(exchange);
      origin = namedOrigin(exchange);
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
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> open(exchange, filter, resumeId, origin, untyped));
  }

  private void open(HttpServerExchange exchange, TypeFilter filter, Long resumeId, Origin origin,
      boolean untyped) {
    SubscriberInfo info = new SubscriberInfo("sse", Connections.address(exchange.getSourceAddress()),
        System.currentTimeMillis(), origin);
    Announced announced = new Announced();
    SseSubscriber subscriber = new SseSubscriber(exchange, info, filter, limits, metrics, untyped,
        closed -> {
          sequencer.unsubscribe(closed);
          connections.release(exchange.getSourceAddress());
          announced.end(() -> presence.left(closed));
        });
    sequencer.subscribe(subscriber, resumeId, lastId -> SseSubscriber.GREETING);
    if (origin != null) announced.join(() -> presence.joined(subscriber));
  }

  /** A stream's presence events: a left only after a joined, never a joined after the end. */
  private static final class Announced {
    private boolean joined;
    private boolean ended;

    synchronized void join(Runnable publish) {
      if (ended) return;
      joined = true;
      publish.run();
    }

    synchronized void end(Runnable publish) {
      ended = true;
      if (joined) publish.run();
    }
  }

  /**
   * The origin a stream names with {@code Racket-Origin} and {@code Racket-Name} (or, where headers
   * cannot be set, {@code ?origin=} and {@code ?name=}), as an HTTP emit does; {@code null} when it
   * names none: an anonymous stream is not announced.
   */
  private static Origin namedOrigin(HttpServerExchange exchange) {
    String id = header(exchange, "Racket-Origin", "origin");
    String name = header(exchange, "Racket-Name", "name");
    if (id == null && name == null) return null;
    String address = Connections.address(exchange.getSourceAddress());
    String host = exchange.getSourceAddress() == null ? "unknown" : exchange.getSourceAddress().getHostString();
    return new Origin(id != null ? id : "sse-" + address, 0, host, name);
  }

  private static String header(HttpServerExchange exchange, String header, String query) {
    String value = exchange.getRequestHeaders().getFirst(header);
    if (value == null || value.isEmpty()) value = EventsPost.query(exchange, query);
    if (value == null || value.isEmpty()) return null;
    if (value.length() > WsMessage.MAX_ORIGIN_FIELD) {
      throw new IllegalArgumentException(header + " is over " + WsMessage.MAX_ORIGIN_FIELD + " characters");
    }
    return value;
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
