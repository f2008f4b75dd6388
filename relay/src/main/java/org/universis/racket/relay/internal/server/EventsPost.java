package org.universis.racket.relay.internal.server;

import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.universis.racket.Origin;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.codec.EventBatchReader;
import org.universis.racket.relay.internal.codec.MalformedEventException;
import org.universis.racket.relay.internal.codec.OriginJson;
import org.universis.racket.relay.internal.codec.RawEvent;
import org.universis.racket.relay.internal.codec.TooManyEventsException;
import org.universis.racket.spi.TypeFilter;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * {@code POST /events}: one JSON value or an array of them, read with a hard size cap, numbered
 * as a whole; answers {@code 202 {"ids":[…]}}. A body in {@code application/x-ndjson} is a stream
 * of such values, one per line, read as it arrives ({@link EventLines}).
 */
final class EventsPost implements HttpHandler {

  private static final int PARSE_ON_IO_THREAD = 64 * 1024;

  private final Sequencer sequencer;
  private final Responses responses;
  private final int maxEventSize;
  private final RelayConfig.Bounds bounds;

  EventsPost(Sequencer sequencer, Responses responses, int maxEventSize, RelayConfig.Bounds bounds) {
    this.sequencer = sequencer;
    this.responses = responses;
    this.maxEventSize = maxEventSize;
    this.bounds = bounds;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (isLines(contentType)) {
      streamLines(exchange);
      return;
    }
    if (!isJson(contentType)) {
      Responses.skipBody(exchange, drainLimit());
      responses.error(exchange, 415, "Content-Type must be application/json (or */*+json), or"
          + " application/x-ndjson for a stream of lines; not " + contentType);
      return;
    }
    long length = exchange.getRequestContentLength();
    if (length > maxEventSize) {
      Responses.skipBody(exchange, drainLimit());
      tooLarge(exchange, length + " bytes");
      return;
    }
    Receiver receiver = exchange.getRequestReceiver();
    receiver.setMaxBufferSize(maxEventSize);
    // The body is bounded, so it gets a deadline: a trickle holds a socket and a buffer that long.
    XnioExecutor.Key deadline = exchange.getIoThread().executeAfter(() -> timedOut(exchange),
        bounds.readTimeoutSeconds(), TimeUnit.SECONDS);
    receiver.receiveFullBytes((ex, body) -> {
      deadline.remove();
      if (!ex.isResponseStarted()) accept(ex, body);
    }, (ex, e) -> {
      deadline.remove();
      failed(ex, e);
    });
  }

  private void timedOut(HttpServerExchange exchange) {
    if (exchange.isResponseStarted()) return;
    exchange.setPersistent(false);
    responses.error(exchange, 408, "the request body did not arrive within "
        + bounds.readTimeoutSeconds() + " s (read-timeout)");
  }

  private void streamLines(HttpServerExchange exchange) {
    String type = query(exchange, "type");
    byte[] origin;
    try {
      if (type != null) {
        TypeFilter.checkType(type);
        Notices.checkEmitted(type);
      }
      origin = originJson(origin(exchange));
    } catch (IllegalArgumentException | MalformedEventException e) {
      Responses.skipBody(exchange, drainLimit());
      responses.error(exchange, 400, e.getMessage());
      return;
    }
    new EventLines(exchange, sequencer, responses, maxEventSize, bounds, type, origin).start();
  }

  private void accept(HttpServerExchange exchange, byte[] body) {
    if (body.length > PARSE_ON_IO_THREAD && exchange.isInIoThread()) {
      // A large body takes a few milliseconds to parse: not on the IO thread other clients share.
      exchange.dispatch(() -> publishOrFail(exchange, body));
    } else {
      publish(exchange, body);
    }
  }

  // Off the handler's call, a throw would reach only the worker pool's log, and the request
  // would go unanswered.
  private void publishOrFail(HttpServerExchange exchange, byte[] body) {
    try {
      publish(exchange, body);
    } catch (RuntimeException | Error e) {
      internalError(exchange, responses, e);
    }
  }

  /**
   * Answers 500 and closes, for a failure nobody foresaw; logs it, never the body. The standalone
   * relay exits on OutOfMemoryError; a hosted one answers and goes on.
   */
  static void internalError(HttpServerExchange exchange, Responses responses, Throwable e) {
    OutOfMemoryExit.check(e);
    Log.warn("POST /events from " + exchange.getSourceAddress() + " failed", e);
    exchange.setPersistent(false);
    if (exchange.isResponseStarted()) IoUtils.safeClose(exchange.getConnection());
    else responses.error(exchange, 500, "the relay failed to take the events (its log says why)");
  }

  private void publish(HttpServerExchange exchange, byte[] body) {
    List<RawEvent> events;
    try {
      events = EventBatchReader.read(body, 0, body.length, query(exchange, "type"), bounds.maxBatch());
      for (RawEvent e : events) Notices.checkEmitted(e.type());
    } catch (MalformedEventException e) {
      responses.error(exchange, 400, e.getMessage());
      return;
    } catch (TooManyEventsException e) {
      responses.error(exchange, 413, e.getMessage());
      return;
    }
    byte[] origin;
    try {
      origin = originJson(origin(exchange));
    } catch (IllegalArgumentException e) {
      responses.error(exchange, 400, e.getMessage());
      return;
    }
    List<Emit> emits = new ArrayList<>(events.size());
    for (RawEvent e : events) emits.add(new Emit(e.type(), e.body(), 0));
    CompletableFuture<long[]> published = sequencer.publish(emits, origin, null, false);
    // Under a backplane the ids come when its log holds the events: the answer waits for them.
    if (!published.isDone()) exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {});
    published.whenComplete((ids, failure) -> answer(exchange, ids, failure));
  }

  private void answer(HttpServerExchange exchange, long[] ids, Throwable failure) {
    if (failure != null) {
      responses.error(exchange, 503, BackplaneLink.reason(failure));
      return;
    }
    StringBuilder answer = new StringBuilder(24 * ids.length + 10).append("{\"ids\":[");
    for (int i = 0; i < ids.length; i++) answer.append(i == 0 ? "" : ",").append(ids[i]);
    responses.json(exchange, 202, answer.append("]}").toString().getBytes());
  }

  private void failed(HttpServerExchange exchange, IOException e) {
    if (exchange.isResponseStarted()) {
      IoUtils.safeClose(exchange.getConnection()); // timed out and answered; the rest is not read
    } else if (e instanceof Receiver.RequestToLargeException) {
      // Read past the limit already, with no length to bound the rest: close.
      exchange.setPersistent(false);
      tooLarge(exchange, "over " + maxEventSize + " bytes");
    } else {
      Log.debug("POST /events from " + exchange.getSourceAddress() + " failed: " + e);
      exchange.setPersistent(false);
      exchange.endExchange();
    }
  }

  private void tooLarge(HttpServerExchange exchange, String size) {
    responses.error(exchange, 413, "request body is " + size + "; the limit is " + maxEventSize
        + " (max-event-size)");
  }

  // Discarding up to a few times the limit costs less than a client that never sees its 413.
  private long drainLimit() {
    return 4L * maxEventSize;
  }

  static boolean isJson(String contentType) {
    String media = mediaType(contentType);
    int slash = media.indexOf('/');
    return media.equals("application/json")
        || slash > 0 && slash < media.length() - 1 && media.endsWith("+json");
  }

  static boolean isLines(String contentType) {
    return mediaType(contentType).equals("application/x-ndjson");
  }

  private static String mediaType(String contentType) {
    if (contentType == null) return "";
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  // A client posts again and again with the same headers: the origin's JSON is made once per IO
  // thread and client, not per request (it was 7 % of the IO threads' samples under POSTs).
  private static final ThreadLocal<Object[]> LAST_ORIGIN = ThreadLocal.withInitial(() -> new Object[2]);

  private static byte[] originJson(Origin origin) {
    Object[] last = LAST_ORIGIN.get();
    if (origin.equals(last[0])) return (byte[]) last[1];
    byte[] json = OriginJson.write(origin);
    last[0] = origin;
    last[1] = json;
    return json;
  }

  private static Origin origin(HttpServerExchange exchange) {
    InetSocketAddress peer = exchange.getSourceAddress();
    String address = peer == null ? "unknown" : peer.getHostString(); // never resolves a name
    String id = exchange.getRequestHeaders().getFirst("Racket-Origin");
    if (id == null || id.isEmpty()) id = "http-" + address;
    if (id.length() > WsMessage.MAX_ORIGIN_FIELD) throw new IllegalArgumentException("Racket-Origin is over " + WsMessage.MAX_ORIGIN_FIELD + " characters");
    String name = exchange.getRequestHeaders().getFirst("Racket-Name");
    if (name != null && name.length() > WsMessage.MAX_ORIGIN_FIELD) {
      throw new IllegalArgumentException("Racket-Name is over " + WsMessage.MAX_ORIGIN_FIELD + " characters");
    }
    return new Origin(id, 0, address, name);
  }

  static String query(HttpServerExchange exchange, String name) {
    var values = exchange.getQueryParameters().get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }
}
