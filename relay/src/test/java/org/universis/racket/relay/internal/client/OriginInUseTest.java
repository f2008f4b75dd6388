package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.codec.WsFrames;
import org.universis.racket.relay.internal.server.Await;
import org.universis.racket.relay.internal.server.RelayProcess;

/**
 * An origin id is one live connection's (PROTOCOL.md, Identity): a client refused because another
 * connection holds its id keeps retrying, and is back as soon as that connection is gone.
 */
class OriginInUseTest {

  @Test
  void aClientWhoseOriginIdIsHeldRetriesUntilTheHolderIsGone() throws Exception {
    int port = RelayProcess.freePort();
    try (Relay relay = Relay.start(RelayConfig.builder().port(port).daemonThreads(true)
        .allowHost("127.0.0.1").build());
        TcpProxy network = new TcpProxy(port);
        ProcessEventEmitter e = new ProcessEventEmitter(RacketOptions.builder()
            .url("http://127.0.0.1:" + network.port()).mode(RacketOptions.Mode.CLIENT).build())) {
      List<ProcessEvent> got = new CopyOnWriteArrayList<>();
      e.subscribe("held.>", got::add);
      e.emit("held.first", Map.of()).get(30, TimeUnit.SECONDS);
      Await.until(() -> got.size() == 1, 30, got::toString);
      String originId = got.get(0).origin().id();

      // The client's link drops; another connection takes its origin id before it is back.
      network.cut();
      Holder holder = new Holder();
      Await.until(() -> holder.claim(port, originId), 30, "the relay never let go of the origin id");
      network.open();
      CompletableFuture<Long> emitted = e.emit("held.second", Map.of());
      long accepted = network.accepted();
      Await.until(() -> network.accepted() >= accepted + 2, 30, "the client did not retry");
      assertFalse(emitted.isDone(), "accepted while another connection held the origin id");

      holder.close();
      emitted.get(30, TimeUnit.SECONDS);
      Await.until(() -> got.size() == 2, 30, got::toString);
      assertEquals("held.second", got.get(1).type());
    }
  }

  /** A bare WebSocket that says hello with a given origin id. */
  private static final class Holder {
    private RelaySocket socket;

    // Whether the relay welcomed the hello (it refuses while the id is still held).
    boolean claim(int port, String originId) throws IOException, InterruptedException {
      close();
      socket = RelaySocket.open(URI.create("ws://127.0.0.1:" + port + "/ws"), null, 5_000, 1 << 20, null);
      BlockingQueue<String> messages = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try {
          socket.read(new RelaySocket.Listener() {
            @Override
            public boolean text(byte[] data, int length) {
              messages.add(new String(data, 0, length, StandardCharsets.UTF_8));
              return true;
            }

            @Override
            public void heard() {}
          });
        } catch (IOException ignored) {
          // closed
        }
      }, "test-holder");
      reader.setDaemon(true);
      reader.start();
      byte[] hello = ("{\"op\":\"hello\",\"origin\":{\"id\":\"" + originId + "\",\"pid\":1}}")
          .getBytes(StandardCharsets.UTF_8);
      byte[] frame = new byte[WsFrames.CLIENT_HEAD_ROOM + hello.length];
      System.arraycopy(hello, 0, frame, WsFrames.CLIENT_HEAD_ROOM, hello.length);
      socket.sendText(frame, hello.length);
      String answer = messages.poll(10, TimeUnit.SECONDS);
      return answer != null && answer.contains("\"welcome\"");
    }

    void close() {
      if (socket != null) socket.abort();
    }
  }
}
