package org.universis.racket.relay.server;

import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.universis.racket.Origin;
import org.universis.racket.relay.codec.EnvelopeEncoder;
import org.universis.racket.relay.codec.EventBatchReader;
import org.universis.racket.relay.codec.MalformedEventException;
import org.universis.racket.relay.codec.RawEvent;

/**
 * {@code POST /events}: one JSON value or an array of them, read with a hard size cap, numbered
 * as a whole; answers {@code 202 {"ids":[…]}}.
 */
final class EventsPost implements HttpHandler {

  private static final int PARSE_ON_IO_THREAD = 64 * 1024;

  private final Sequencer sequencer;
  private final Responses responses;
  private final int maxEventSize;

  EventsPost(Sequencer sequencer, Responses responses, int maxEventSize) {
    this.sequencer = sequencer;
    this.responses = responses;
    this.maxEventSize = maxEventSize;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (!isJson(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE))) {
      Responses.skipBody(exchange, drainLimit());
      responses.error(exchange, 415, "Content-Type must be application/json (or */*+json), not "
          + exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE));
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
    receiver.receiveFullBytes(this::accept, this::failed);
  }

  private void accept(HttpServerExchange exchange, byte[] body) {
    if (body.length > PARSE_ON_IO_THREAD && exchange.isInIoThread()) {
      // A large body takes a few milliseconds to parse: not on the IO thread other clients share.
      exchange.dispatch(() -> publish(exchange, body));
    } else {
      publish(exchange, body);
    }
  }

  private void publish(HttpServerExchange exchange, byte[] body) {
    List<RawEvent> events;
    try {
      events = EventBatchReader.read(body, query(exchange, "type"));
    } catch (MalformedEventException e) {
      responses.error(exchange, 400, e.getMessage());
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
    long[] ids = sequencer.publish(emits, origin, null, false);
    StringBuilder answer = new StringBuilder(24 * ids.length + 10).append("{\"ids\":[");
    for (int i = 0; i < ids.length; i++) answer.append(i == 0 ? "" : ",").append(ids[i]);
    responses.json(exchange, 202, answer.append("]}").toString().getBytes());
  }

  private void failed(HttpServerExchange exchange, IOException e) {
    if (e instanceof Receiver.RequestToLargeException) {
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
    if (contentType == null) return false;
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim()
        .toLowerCase(Locale.ROOT);
    int slash = media.indexOf('/');
    return media.equals("application/json")
        || slash > 0 && slash < media.length() - 1 && media.endsWith("+json");
  }

  // A client posts again and again with the same headers: the origin's JSON is made once per IO
  // thread and client, not per request (it was 7 % of the IO threads' samples under POSTs).
  private static final ThreadLocal<Object[]> LAST_ORIGIN = ThreadLocal.withInitial(() -> new Object[2]);

  private static byte[] originJson(Origin origin) {
    Object[] last = LAST_ORIGIN.get();
    if (origin.equals(last[0])) return (byte[]) last[1];
    byte[] json = EnvelopeEncoder.origin(origin);
    last[0] = origin;
    last[1] = json;
    return json;
  }

  private static Origin origin(HttpServerExchange exchange) {
    InetSocketAddress peer = exchange.getSourceAddress();
    String address = peer == null ? "unknown" : peer.getHostString(); // never resolves a name
    String id = exchange.getRequestHeaders().getFirst("Racket-Origin");
    if (id == null || id.isEmpty()) id = "http-" + address;
    if (id.length() > 256) throw new IllegalArgumentException("Racket-Origin is over 256 characters");
    String name = exchange.getRequestHeaders().getFirst("Racket-Name");
    if (name != null && name.length() > 256) {
      throw new IllegalArgumentException("Racket-Name is over 256 characters");
    }
    return new Origin(id, 0, address, name);
  }

  static String query(HttpServerExchange exchange, String name) {
    var values = exchange.getQueryParameters().get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }
}
