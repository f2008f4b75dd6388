package org.universis.racket.agent.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.RelayProvider;
import org.universis.racket.spi.RacketConnection;

class BridgeConnectionTest {

  @Test
  @SuppressWarnings("unchecked")
  void tryEmitCrossesTheBridgeAndNeverWaitsForRoom() throws Exception {
    RacketOptions options = RacketOptions.builder().url("http://127.0.0.1:" + freePort())
        .mode(RacketOptions.Mode.CLIENT).buffer(1).emitTimeout(Duration.ofSeconds(60)).build();
    RacketConnection connection = new RelayProvider().connect(options);
    try {
      Map<String, Object> functions = BridgeConnection.functions(() -> connection, true);
      BiFunction<String, Object, CompletableFuture<Long>> tryEmit =
          (BiFunction<String, Object, CompletableFuture<Long>>) functions.get("tryEmit");
      assertFalse(tryEmit.apply("held", 1).isDone(), "held in the buffer: no relay yet");
      CompletableFuture<Long> refused = tryEmit.apply("held", 2);
      assertTrue(refused.isCompletedExceptionally(), "the buffer is full: it fails at once");
      ExecutionException full = assertThrows(ExecutionException.class, refused::get);
      assertTrue(full.getCause().getMessage().contains("buffer"), full.getCause().getMessage());
    } finally {
      connection.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
