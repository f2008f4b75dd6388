package org.universis.racket.relay.server;

import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.universis.racket.spi.TypeFilter;
import org.xnio.IoUtils;

/**
 * A {@code GET /ws} connection's outbound side: each frame is one text message of NDJSON lines
 * (events, acks, control messages), sent with a completion callback.
 */
final class WsSubscriber extends Subscriber {

  private final WebSocketChannel channel;
  private final Runnable onClosed;

  WsSubscriber(WebSocketChannel channel, SubscriberInfo info, SubscriberLimits limits,
      Metrics metrics, Runnable onClosed) {
    super(info, TypeFilter.none(), limits, metrics);
    this.channel = channel;
    this.onClosed = onClosed;
    channel.addCloseTask(c -> close());
  }

  @Override
  void execute(Runnable task) {
    try {
      channel.getIoThread().execute(task);
    } catch (RejectedExecutionException e) {
      // The relay is closing and its IO threads with it; the connection goes with them.
    }
  }

  @Override
  int frameSize(Object item) {
    return (item instanceof Event e ? e.envelope.length : ((byte[]) item).length) + 1;
  }

  @Override
  void frame(Object item, ByteBuffer out) {
    out.put(item instanceof Event e ? e.envelope : (byte[]) item).put((byte) '\n');
  }

  @Override
  void send(ByteBuffer frame, Runnable sent) {
    WebSockets.sendText(frame, channel, new WebSocketCallback<Void>() {
      @Override
      public void complete(WebSocketChannel c, Void context) {
        sent.run();
      }

      @Override
      public void onError(WebSocketChannel c, Void context, Throwable error) {
        Log.debug("WebSocket subscriber " + info().address() + " gone: " + error);
        close();
      }
    });
  }

  @Override
  void closeTransport(boolean slow) {
    if (slow) {
      Log.info("closing slow WebSocket subscriber " + info().address() + " (queue full)");
      closeWith(CloseMessage.MSG_VIOLATES_POLICY, "too slow: queue full");
    } else {
      IoUtils.safeClose(channel);
    }
  }

  /** Sends a close frame, then closes the socket even if the peer never answers. */
  void closeWith(int code, String reason) {
    WebSockets.sendClose(code, reason, channel, null);
    try {
      channel.getIoThread().executeAfter(() -> IoUtils.safeClose(channel), 2, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      IoUtils.safeClose(channel);
    }
  }

  @Override
  void closed() {
    onClosed.run();
  }
}
