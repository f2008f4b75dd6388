package org.universis.racket.relay.internal.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.universis.racket.relay.RelayConfig;

/**
 * Keeps web pages out (docs/SECURITY.md, "Web pages"). A browser lets any page it shows send
 * requests to the relay: WebSocket handshakes and simple POSTs with no preflight, and, after DNS
 * rebinding, every request under a name the attacker controls. The relay's own clients (the JVM
 * client, curl) send no {@code Origin} and name the relay as they were told to. So a request is
 * refused when its {@code Host} names neither the bind address, a loopback name nor an
 * {@code allow-host} name (421), or when a page on another origin made it: an {@code Origin} that
 * is neither the relay's own nor in {@code allow-origin}, or, without one, a
 * {@code Sec-Fetch-Site} of another site (403). The relay never sends CORS headers, so a browser
 * shows no page any answer.
 */
public final class BrowserGuard {

  private static final HttpString SEC_FETCH_SITE = HttpString.tryFromString("Sec-Fetch-Site");
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

  private final String scheme;
  private final boolean wildcard;
  private final Set<String> names; // lower case; IPv6 in brackets
  private final Set<String> allowedHosts;
  private final Set<String> allowedOrigins;
  private final Responses responses;

  BrowserGuard(RelayConfig config, Responses responses) {
    this.scheme = config.tls() == null ? "http" : "https";
    this.wildcard = config.wildcardBind();
    this.names = new HashSet<>(LOOPBACK_NAMES);
    names.add(bracketed(config.host().toLowerCase(Locale.ROOT)));
    this.allowedHosts = Set.copyOf(config.allowHosts());
    this.allowedOrigins = Set.copyOf(config.allowOrigins());
    this.responses = responses;
  }

  /** Whether the request may go on; when not, it was answered and its connection will close. */
  boolean admits(HttpServerExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
    int port = exchange.getDestinationAddress().getPort();
    // Browsers always send a Host; an HTTP/1.0 tool may not, and names nothing to rebind then.
    if (host != null && !hostAllowed(host, port)) {
      refuse(exchange, 421, "this relay does not answer for Host '" + host + "': it answers for its"
          + " bind address and loopback names with port " + port + ", and for the names listed in"
          + " allow-host (--allow-host)");
      return false;
    }
    String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
    if (origin != null) {
      boolean own = host != null && origin.equalsIgnoreCase(scheme + "://" + host);
      if (own || allowedOrigins.contains(normalOrigin(origin))) return true;
      refuse(exchange, 403, "requests from web pages at " + origin + " are refused; list the"
          + " origin in allow-origin (--allow-origin) to let its pages use /ws");
      return false;
    }
    String site = exchange.getRequestHeaders().getFirst(SEC_FETCH_SITE);
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      refuse(exchange, 403, "requests that web pages of other sites make are refused"
          + " (Sec-Fetch-Site: " + site + ")");
      return false;
    }
    return true;
  }

  private void refuse(HttpServerExchange exchange, int status, String message) {
    exchange.setPersistent(false);
    responses.error(exchange, status, message);
  }

  // `port` is the one the client connected to: a name must come with it, or a proxy's name with any.
  boolean hostAllowed(String host, int port) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    String name = colon > h.lastIndexOf(']') ? h.substring(0, colon) : h;
    if (allowedHosts.contains(name)) return true; // with any port: a proxy forwards its own
    int given;
    try {
      given = name.equals(h) ? defaultPort() : Integer.parseInt(h.substring(colon + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (given != port) return false;
    // DNS rebinding needs a name; an address literal is where the client connected.
    return names.contains(name) || wildcard && isAddressLiteral(name);
  }

  private int defaultPort() {
    return scheme.equals("https") ? 443 : 80;
  }

  /** {@code scheme://host:port} in lower case, the port always written; or the text unchanged. */
  public static String normalOrigin(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    int authority = o.indexOf("://");
    if (authority < 0) return o;
    String scheme = o.substring(0, authority);
    String hostPort = o.substring(authority + 3);
    int colon = hostPort.lastIndexOf(':');
    if (colon > hostPort.lastIndexOf(']')) return o;
    return o + ":" + (scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : 0);
  }

  public static String bracketed(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static boolean isAddressLiteral(String name) {
    return name.startsWith("[") || name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  }
}
