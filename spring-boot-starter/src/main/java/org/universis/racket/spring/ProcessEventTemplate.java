package org.universis.racket.spring;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.Subscription;

/**
 * The starter's way to emit and subscribe: the {@link ProcessEventEmitter} bean's methods, counted
 * in {@link RacketStats} (and so in the Micrometer meters). {@code @OnProcessEvent} methods of beans
 * and forwarded application events go through it too.
 */
public final class ProcessEventTemplate {

  private final ProcessEventEmitter emitter;
  private final RacketStats stats;

  public ProcessEventTemplate(ProcessEventEmitter emitter, RacketStats stats) {
    this.emitter = emitter;
    this.stats = stats;
  }

  /** See {@link ProcessEventEmitter#emit(Object)}. */
  public CompletableFuture<Long> emit(Object event) {
    return counted(System.nanoTime(), emitter.emit(event));
  }

  /** See {@link ProcessEventEmitter#emit(String, Object)}. */
  public CompletableFuture<Long> emit(String type, Object body) {
    return counted(System.nanoTime(), emitter.emit(type, body));
  }

  /** See {@link ProcessEventEmitter#subscribe(String, Consumer)}. */
  public Subscription subscribe(String filter, Consumer<? super ProcessEvent> handler) {
    return emitter.subscribe(filter, event -> {
      stats.delivered(event);
      handler.accept(event);
    });
  }

  private CompletableFuture<Long> counted(long start, CompletableFuture<Long> ack) {
    return ack.whenComplete((id, failure) -> {
      if (failure == null) stats.emitAccepted(System.nanoTime() - start);
      else stats.emitFailed();
    });
  }
}
