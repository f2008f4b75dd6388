package org.universis.racket.relay.internal.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * {@code GET /}: the live dashboard, one page with its script and style, served from the jar (no
 * CDN: machines may be offline). The files hold no data: the page reads the JSON endpoints and
 * an SSE stream with the token it was given ({@code /?token=…}), as its own origin, which
 * {@link BrowserGuard} admits.
 */
final class Dashboard {

  /** Its paths and their content types. */
  static final Map<String, String> FILES = Map.of(
      "/", "text/html; charset=utf-8",
      "/dashboard.js", "text/javascript; charset=utf-8",
      "/dashboard.css", "text/css; charset=utf-8");
  // The page runs nothing inline and talks to its own origin only; no other page may frame it.
  private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";
  private static final HttpString CSP = HttpString.tryFromString("Content-Security-Policy");

  private final Map<String, byte[]> content = Map.of(
      "/", read("dashboard.html"),
      "/dashboard.js", read("dashboard.js"),
      "/dashboard.css", read("dashboard.css"));

  void serve(HttpServerExchange exchange, String path) {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, FILES.get(path));
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    exchange.getResponseHeaders().put(CSP, POLICY);
    exchange.getResponseHeaders().put(HttpString.tryFromString("Referrer-Policy"), "no-referrer");
    exchange.getResponseSender().send(ByteBuffer.wrap(content.get(path)));
  }

  private static byte[] read(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream("dashboard/" + name)) {
      if (in == null) throw new IllegalStateException("the relay jar has no dashboard/" + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
