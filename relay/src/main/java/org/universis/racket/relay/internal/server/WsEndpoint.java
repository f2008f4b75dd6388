package org.universis.racket.relay.internal.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.codec.RelayProof;
import org.universis.racket.relay.internal.codec.WebSocketAccept;
import org.universis.racket.relay.internal.codec.WsFrames;
import org.xnio.StreamConnection;

/**
 * {@code GET /ws}: answers the WebSocket handshake (RFC 6455, version 13), then wires the upgraded
 * connection's inbound and outbound sides.
 */
final class WsEndpoint implements HttpHandler {

  private final Sequencer sequencer;
  private final RelayConfig config;
  private final String epoch;
  private final Connections connections;
  private final SubscriberLimits limits;
  private final Metrics metrics;
  private final Responses responses;
  private final Origins origins;
  private final RelayProof proof; // null: the relay has no token
  private final HeldBytes heldBytes;
  private final Presence presence;
  private final Unproven unproven = new Unproven();

  WsEndpoint(Sequencer sequencer, RelayConfig config, String epoch, Connections connections,
      SubscriberLimits limits, Metrics metrics, Responses responses) {
    this.sequencer = sequencer;
    this.config = config;
    this.epoch = epoch;
    this.connections = connections;
    this.limits = limits;
    this.metrics = metrics;
    this.responses = responses;
    this.proof = config.token() == null ? null : RelayProof.of(config.token());
    this.origins = new Origins(TimeUnit.SECONDS.toNanos(WsSession.silentSeconds(config)));
    this.heldBytes = new HeldBytes(config.bounds().maxHeldBytes());
    this.presence = new Presence(sequencer, limits.notices());
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    String key = exchange.getRequestHeaders().getFirst(Headers.SEC_WEB_SOCKET_KEY);
    String version = exchange.getRequestHeaders().getFirst(Headers.SEC_WEB_SOCKET_VERSION);
    if (key == null || !"13".equals(version)) {
      responses.error(exchange, 400, "GET /ws needs a WebSocket handshake of version 13"
          + " (Sec-WebSocket-Key, Sec-WebSocket-Version: 13)");
      return;
    }
    String challenge = exchange.getRequestHeaders().getFirst(RelayProof.CHALLENGE_HEADER);
    String expected = null;
    if (proof != null && challenge != null) {
      // HttpRoutes let it in without the bearer token: the hello must prove it instead.
      if (!RelayProof.isNonce(challenge)) {
        responses.error(exchange, 400, RelayProof.CHALLENGE_HEADER
            + " must be 16 to 128 base64url characters");
        return;
      }
      if (unproven.full()) {
        responses.error(exchange, 503, Unproven.refusal());
        return;
      }
      String nonce = RelayProof.nonce();
      // The port the client dialled, as its Host names it (BrowserGuard let that Host in): behind
      // a port mapping or a proxy it is not the port this relay bound.
      int dialled = exchange.getHostPort();
      exchange.getResponseHeaders()
          .put(HttpString.tryFromString(RelayProof.NONCE_HEADER), nonce)
          .put(HttpString.tryFromString(RelayProof.PROOF_HEADER), proof.relay(dialled, challenge, nonce));
      expected = proof.client(dialled, nonce, challenge);
    }
    String expectedProof = expected;
    exchange.setStatusCode(101);
    exchange.getResponseHeaders()
        .put(Headers.CONTENT_LENGTH, "0")
        .put(Headers.UPGRADE, "websocket")
        .put(Headers.CONNECTION, "Upgrade")
        .put(Headers.SEC_WEB_SOCKET_ACCEPT, WebSocketAccept.of(key.trim()));
    exchange.upgradeChannel((connection, upgraded) -> onConnect(connection, upgraded, expectedProof));
    exchange.endExchange();
  }

  private void onConnect(StreamConnection connection, HttpServerExchange exchange, String expectedProof) {
    int maxMessage = config.maxEventSize() + WsFrames.FRAME_SLACK;
    boolean challenged = expectedProof != null;
    WsConnection ws = new WsConnection(connection, challenged ? Unproven.MAX_MESSAGE : maxMessage,
        heldBytes);
    // HttpRoutes answered 503 when full; this catches the race between that check and here, and
    // the limit per address.
    if (!connections.tryAcquire(connection.getPeerAddress())) {
      ws.closeWith(WsConnection.TRY_AGAIN_LATER, connections.refusal(connection.getPeerAddress()));
      return;
    }
    Runnable release = challenged ? unproven.tryAcquire() : () -> { };
    if (release == null) { // the same race, for the unproven limit
      connections.release(connection.getPeerAddress());
      ws.closeWith(WsConnection.TRY_AGAIN_LATER, Unproven.refusal());
      return;
    }
    SubscriberInfo info = new SubscriberInfo("ws", Connections.address(connection.getPeerAddress()),
        System.currentTimeMillis(), null);
    WsSubscriber subscriber = new WsSubscriber(ws, info, limits, metrics);
    WsSession session = new WsSession(subscriber, sequencer, config, epoch, origins, metrics,
        expectedProof, presence, () -> {
          ws.maxMessage(maxMessage);
          release.run();
        });
    subscriber.onClosed(() -> {
      sequencer.unsubscribe(subscriber);
      connections.release(connection.getPeerAddress());
      release.run();
      session.closed();
    });
    // Undertow's own close listener on the socket calls these; setting another would replace it.
    exchange.getConnection().addCloseListener(c -> {
      subscriber.close();
      ws.closed();
    });
    ws.start(session);
    try {
      session.helloTimer(connection.getIoThread().executeAfter(session::requireHello,
          session.helloSeconds(), TimeUnit.SECONDS));
    } catch (RejectedExecutionException e) {
      // The relay is closing and its IO threads with it; the connection goes with them.
    }
  }
}
