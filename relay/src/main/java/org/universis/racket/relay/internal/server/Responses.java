package org.universis.racket.relay.internal.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.universis.racket.relay.internal.Log;

/** Writes the relay's JSON answers, errors included: {@code {"error":…,"message":…}}. */
final class Responses {

  private final Metrics metrics;

  Responses(Metrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Prepares to answer without reading the request body. Closing the connection with unread
   * bytes in it resets it, and the client may lose the answer; so a body of known, modest size
   * is drained (Undertow discards it after the answer) and only a larger or unknown one closes.
   */
  static void skipBody(HttpServerExchange exchange, long drainLimit) {
    long length = exchange.getRequestContentLength();
    if (!exchange.isRequestComplete() && (length < 0 || length > drainLimit)) {
      exchange.setPersistent(false);
    }
  }

  void json(HttpServerExchange exchange, int status, byte[] body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  /** @param more further names and values for the answer, as {@link Json#object} takes them */
  void error(HttpServerExchange exchange, int status, String message, Object... more) {
    metrics.rejected(status);
    Log.debug(exchange.getRequestMethod() + " " + exchange.getRequestPath() + " from "
        + exchange.getSourceAddress() + ": " + status + " " + message);
    Object[] fields = Arrays.copyOf(new Object[] {"error", errorName(status), "message", message},
        4 + more.length);
    System.arraycopy(more, 0, fields, 4, more.length);
    json(exchange, status, Json.object(fields));
  }

  void methodNotAllowed(HttpServerExchange exchange, String allow) {
    exchange.getResponseHeaders().put(HttpString.tryFromString("Allow"), allow);
    error(exchange, 405, exchange.getRequestMethod() + " is not allowed on "
        + exchange.getRequestPath() + "; use " + allow);
  }

  static String errorName(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 421 -> "misdirected_request";
      case 503 -> "unavailable";
      default -> "error";
    };
  }
}
