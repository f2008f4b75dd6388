package org.universis.racket.relay.internal.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.universis.racket.relay.internal.codec.RelayProof;

/**
 * The relay's root handler: keeps web pages out ({@link BrowserGuard}), routes by path, then checks
 * the token, then the method, so every refusal is a JSON error with the right status.
 */
final class HttpRoutes implements HttpHandler {

  private final byte[] token;
  private final Responses responses;
  private final Connections connections;
  private final StatusPages status;
  private final HttpHandler post;
  private final HttpHandler stream;
  private final HttpHandler webSocket;
  private final BrowserGuard browsers;
  private final Dashboard dashboard = new Dashboard();

  HttpRoutes(String token, Responses responses, Connections connections, StatusPages status,
      HttpHandler post, HttpHandler stream, HttpHandler webSocket, BrowserGuard browsers) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.responses = responses;
    this.connections = connections;
    this.status = status;
    this.post = post;
    this.stream = stream;
    this.webSocket = webSocket;
    this.browsers = browsers;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!browsers.admits(exchange)) return; // before anything else, every path and method
    String path = exchange.getRequestPath();
    // Only POST /events reads a body, within its own bounds (the relay sets no total for its
    // streams): any other request's body is not drained after the answer, past a modest size.
    if (!path.equals("/events") || !exchange.getRequestMethod().equals(Methods.POST)) {
      Responses.skipBody(exchange, 1 << 20);
    }
    switch (path) {
      case "/health" -> {
        if (get(exchange)) status.health(exchange);
      }
      case "/events" -> {
        if (!authorized(exchange)) return;
        if (exchange.getRequestMethod().equals(Methods.POST)) post.handleRequest(exchange);
        else if (exchange.getRequestMethod().equals(Methods.GET)) stream.handleRequest(exchange);
        else responses.methodNotAllowed(exchange, "GET, POST");
      }
      case "/ws" -> {
        // A challenge defers the token to the hello's proof (WsEndpoint): it never travels.
        if ((challenged(exchange) || authorized(exchange)) && get(exchange)) upgrade(exchange);
      }
      case "/clients" -> {
        if (authorized(exchange) && get(exchange)) status.clients(exchange);
      }
      case "/metrics" -> {
        if (authorized(exchange) && get(exchange)) status.metrics(exchange);
      }
      case "/", "/dashboard.js", "/dashboard.css" -> {
        // The page and its files hold no data: what it shows, it fetches with the token.
        if (get(exchange)) dashboard.serve(exchange, path);
      }
      default -> responses.error(exchange, 404, "no such path: " + path
          + "; the relay serves / (its dashboard), /events, /ws, /clients, /health and /metrics");
    }
  }

  private void upgrade(HttpServerExchange exchange) throws Exception {
    String upgrade = exchange.getRequestHeaders().getFirst(Headers.UPGRADE);
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      responses.error(exchange, 400, "GET /ws is a WebSocket endpoint; connect with a WebSocket client");
    } else if (connections.full()) {
      responses.error(exchange, 503, connections.refusal(exchange.getSourceAddress()));
    } else {
      webSocket.handleRequest(exchange);
    }
  }

  private boolean get(HttpServerExchange exchange) {
    if (exchange.getRequestMethod().equals(Methods.GET)) return true;
    responses.methodNotAllowed(exchange, "GET");
    return false;
  }

  private boolean challenged(HttpServerExchange exchange) {
    return token != null && exchange.getRequestHeaders().contains(RelayProof.CHALLENGE_HEADER);
  }

  private boolean authorized(HttpServerExchange exchange) {
    if (token == null) return true;
    String given = null;
    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = header.substring(7).trim();
    }
    if (given == null) given = EventsPost.query(exchange, "token");
    // Constant time, so the comparison does not tell how much of a guess was right.
    if (given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
      return true;
    }
    Responses.skipBody(exchange, 1 << 20);
    responses.error(exchange, 401, given == null
        ? "this relay needs a token: send 'Authorization: Bearer <token>' or ?token=<token>"
        : "wrong token");
    return false;
  }
}
