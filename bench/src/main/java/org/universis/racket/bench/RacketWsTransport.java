package org.universis.racket.bench;

import java.util.Map;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.Subscription;

/**
 * racket's JVM client, as its users call it: {@code emit(type, record)} without waiting for each
 * future, {@code subscribe(filter, handler)} reading the decoded body.
 */
final class RacketWsTransport implements Transport {

  /** Below the client's own buffer of unacknowledged emits (10,000 by default). */
  static final int IN_FLIGHT = 8_192;

  @Override
  public Sender sender(String url, boolean latency) {
    ProcessEventEmitter emitter = new ProcessEventEmitter(options(url));
    Window window = new Window(IN_FLIGHT);
    return new Sender() {
      @Override
      public void send(Tick tick) throws InterruptedException {
        window.acquire();
        emitter.emit(Tick.TYPE, tick).whenComplete((id, error) -> window.release(error));
      }

      @Override
      public void drain() throws InterruptedException {
        window.drain();
      }

      @Override
      public void close() {
        emitter.close();
      }
    };
  }

  @Override
  public AutoCloseable subscribe(String url, Tick.TickSink sink) {
    ProcessEventEmitter emitter = new ProcessEventEmitter(options(url));
    Subscription subscription = emitter.subscribe(Tick.TYPE, event -> {
      if (event.isResync()) return; // events dropped for this slow reader: they count as loss
      Map<?, ?> body = (Map<?, ?>) event.body();
      sink.tick(((Number) body.get("n")).longValue(), ((Number) body.get("t")).longValue());
    });
    return () -> {
      subscription.unsubscribe();
      emitter.close();
    };
  }

  private static RacketOptions options(String url) {
    return RacketOptions.builder().url(url).mode(RacketOptions.Mode.CLIENT).name("racket-bench").build();
  }
}
