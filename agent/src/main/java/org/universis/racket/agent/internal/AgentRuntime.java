package org.universis.racket.agent.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.spi.RacketConnection;
import org.universis.racket.spi.RacketProvider;

/**
 * The agent's side of the emitter: racket-relay's provider, found in the agent's own isolated
 * world, and the process-wide connection behind {@code InterProcessEventEmitter}.
 *
 * <p>The global connection is created on a daemon thread right after premain, so that loading the
 * client's classes costs the application's start-up nothing. An application that emits before it is
 * ready waits for it (not for the network: the connection connects, hosts the relay and buffers
 * emits in the background).
 */
final class AgentRuntime {

  /** How long a caller waits for the global connection to be created before it gives up. */
  private static final long READY_TIMEOUT_SECONDS = 30;

  private final RacketOptions options;
  private final CompletableFuture<RacketConnection> global = new CompletableFuture<>();
  private volatile RacketProvider provider;
  private volatile RacketConnection ready; // the global connection once created: every emit asks

  AgentRuntime(RacketOptions options) {
    this.options = options;
  }

  /** Creates the global connection; run once, on the start-up thread. */
  void open() {
    try {
      RacketConnection c = provider().connect(options);
      global.complete(c);
      Log.info("connecting to " + options.url() + " (mode " + options.mode().name().toLowerCase(java.util.Locale.ROOT) + ")");
    } catch (Throwable t) {
      global.completeExceptionally(t);
      Log.warn("racket is not available in this JVM", t);
    }
  }

  /** The global connection, waiting (bounded) for it to be created. */
  RacketConnection global() {
    RacketConnection c = ready;
    if (c != null) return c;
    try {
      return ready = global.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("racket agent could not start: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("racket agent did not start within " + READY_TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the racket agent", e);
    }
  }

  /** A connection of its own for {@code new ProcessEventEmitter(options)} in the application. */
  RacketConnection connect(Map<String, String> optionMap) {
    RacketOptions.Builder b = RacketOptions.builder();
    // A newer racket-api may pass options this agent does not know: they keep their defaults.
    optionMap.forEach((k, v) -> {
      if (RacketOptions.KEYS.contains(k)) b.set(k, v);
    });
    return provider().connect(b.build());
  }

  private RacketProvider provider() {
    RacketProvider p = provider;
    if (p == null) {
      Iterator<RacketProvider> it =
          ServiceLoader.load(RacketProvider.class, AgentRuntime.class.getClassLoader()).iterator();
      if (!it.hasNext()) throw new IllegalStateException("the agent jar holds no RacketProvider");
      provider = p = it.next();
    }
    return p;
  }
}
