package org.universis.racket.relay.server;

import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;

/** {@code GET /ws} after the handshake: wires a connection's inbound and outbound sides. */
final class WsEndpoint implements WebSocketConnectionCallback {

  private final Sequencer sequencer;
  private final RelayConfig config;
  private final String epoch;
  private final Connections connections;
  private final SubscriberLimits limits;
  private final Metrics metrics;

  WsEndpoint(Sequencer sequencer, RelayConfig config, String epoch, Connections connections,
      SubscriberLimits limits, Metrics metrics) {
    this.sequencer = sequencer;
    this.config = config;
    this.epoch = epoch;
    this.connections = connections;
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  public void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
    // HttpRoutes answered 503 when full; this catches the race between that check and here.
    if (!connections.tryAcquire()) {
      WebSockets.sendClose(1013, connections.refusal(), channel, null);
      // The close frame asks; this makes sure the socket goes even if the client never answers.
      try {
        channel.getIoThread().executeAfter(() -> IoUtils.safeClose(channel), 2, TimeUnit.SECONDS);
      } catch (RejectedExecutionException e) {
        IoUtils.safeClose(channel);
      }
      return;
    }
    SubscriberInfo info = new SubscriberInfo("ws", Connections.address(channel.getSourceAddress()),
        System.currentTimeMillis(), null);
    WsSubscriber[] self = new WsSubscriber[1];
    self[0] = new WsSubscriber(channel, info, limits, metrics, () -> {
      sequencer.unsubscribe(self[0]);
      connections.release();
    });
    channel.getReceiveSetter().set(new WsSession(self[0], sequencer, config, epoch));
    channel.resumeReceives();
  }
}
