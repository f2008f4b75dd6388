package org.universis.racket.bench;

import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.Subscription;

/**
 * racket's JVM client, as its users call it, at its defaults: {@code emit(type, body)} without
 * waiting for each future, {@code subscribe(filter, handler)} reading the body as the view says.
 */
final class RacketWsTransport implements Transport {

  /** Below the client's own buffer of unacknowledged emits (10,000 by default). */
  static final int IN_FLIGHT = 8_192;

  @Override
  public Sender sender(String url, Scenario.Phase phase, View view) {
    ProcessEventEmitter emitter = new ProcessEventEmitter(options(url));
    Window window = Window.forPhase(phase, IN_FLIGHT);
    return new Sender() {
      @Override
      public void send(Tick tick) throws InterruptedException {
        window.acquire();
        try {
          emitter.emit(Tick.TYPE, view.body(tick)).whenComplete((id, error) -> window.release(error));
        } catch (RuntimeException refused) {
          window.release(refused);
        }
      }

      @Override
      public long failed() {
        return window.failed();
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
  public AutoCloseable subscribe(String url, View view, Tick.TickSink sink) {
    ProcessEventEmitter emitter = new ProcessEventEmitter(options(url));
    Subscription subscription = emitter.subscribe(Tick.TYPE, event -> {
      if (!event.isResync()) view.read(event, sink); // a resync notice: events missed, counted as loss
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
