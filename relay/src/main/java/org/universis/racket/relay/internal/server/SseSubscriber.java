package org.universis.racket.relay.internal.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.spi.TypeFilter;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * A {@code GET /events} stream. Writes go straight to the response channel, non-blocking, from
 * its IO thread; a partial write waits for the channel to become writable again.
 */
final class SseSubscriber extends Subscriber {

  static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] GREETING = ": racket 1\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpServerExchange exchange;
  private final StreamSinkChannel sink;
  private final Consumer<SseSubscriber> onClosed;
  private final boolean untyped; // records without an event: line (?untyped=true)

  SseSubscriber(HttpServerExchange exchange, SubscriberInfo info, TypeFilter filter,
      SubscriberLimits limits, Metrics metrics, boolean untyped, Consumer<SseSubscriber> onClosed) {
    super(info, filter, limits, metrics);
    this.exchange = exchange;
    this.untyped = untyped;
    this.sink = exchange.getResponseChannel();
    this.onClosed = onClosed;
    exchange.getConnection().addCloseListener(connection -> close());
    watchForHangUp(exchange);
  }

  // A client that hangs up is otherwise noticed only when a write fails (up to a heartbeat
  // later); reading the connection shows its end at once. An SSE client sends nothing more.
  private void watchForHangUp(HttpServerExchange exchange) {
    if (!(exchange.getConnection() instanceof HttpServerConnection http)) return;
    ConduitStreamSourceChannel source = http.getChannel().getSourceChannel();
    ByteBuffer scratch = ByteBuffer.allocate(64);
    source.getReadSetter().set(channel -> {
      try {
        int n;
        do {
          scratch.clear();
          n = channel.read(scratch);
        } while (n > 0);
        if (n < 0) close();
      } catch (IOException e) {
        close();
      }
    });
    source.resumeReads();
  }

  @Override
  public void execute(Runnable task) {
    try {
      sink.getIoThread().execute(task);
    } catch (RejectedExecutionException e) {
      // The relay is closing and its IO threads with it; the connection goes with them.
    }
  }

  @Override
  public int frameSize(Outgoing item) {
    if (item instanceof Event e) return prefix(e).length + e.envelope.length + END.length;
    return item.bytes().length; // a control message is framed already
  }

  @Override
  public void frame(Outgoing item, ByteBuffer out) {
    if (item instanceof Event e) {
      out.put(prefix(e)).put(e.envelope).put(END);
    } else {
      out.put(item.bytes()); // a control message is framed already
    }
  }

  // An untyped record is a plain message to EventSource: a page that cannot know every type gets all.
  private byte[] prefix(Event e) {
    return untyped ? ("id: " + e.id + "\ndata: ").getBytes(StandardCharsets.US_ASCII) : e.ssePrefix();
  }

  @Override
  public int headroom() {
    return 0;
  }

  @Override
  public void send(ByteBuffer frame, Runnable sent) {
    try {
      while (frame.hasRemaining()) {
        if (sink.write(frame) == 0) {
          ByteBuffer rest = rest(frame);
          whenWritable(() -> send(rest, sent));
          return;
        }
      }
      flush(sent);
    } catch (IOException e) {
      Log.debug("SSE subscriber " + info().address() + " gone: " + e);
      close();
    }
  }

  private void flush(Runnable sent) throws IOException {
    if (sink.flush()) {
      sent.run();
    } else {
      whenWritable(() -> {
        try {
          flush(sent);
        } catch (IOException e) {
          close();
        }
      });
    }
  }

  private void whenWritable(Runnable task) {
    sink.getWriteSetter().set(channel -> {
      channel.suspendWrites();
      task.run();
    });
    sink.resumeWrites();
  }

  @Override
  public void closeTransport(boolean slow) {
    if (slow) Log.info("closing slow SSE subscriber " + info().address() + " (overflow: disconnect)");
    IoUtils.safeClose(exchange.getConnection());
  }

  @Override
  public void closed() {
    onClosed.accept(this);
  }
}
