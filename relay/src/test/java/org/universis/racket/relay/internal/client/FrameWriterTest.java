package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.codec.EmitLine;
import org.universis.racket.relay.internal.server.Await;

/** Which thread writes an emit, against a real relay: the sender's tasks are kept, never run. */
class FrameWriterTest {

  @Test
  void emitsAreWrittenOnTheCallersThreadUntilThoseInFlightHold8KiB() throws Exception {
    try (Relay relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).build())) {
      RelaySocket socket = RelaySocket.open(URI.create("ws://127.0.0.1:" + relay.port() + "/ws"),
          null, 5_000, 1 << 20, null);
      long before = relay.lastId();
      List<Runnable> senderTasks = new ArrayList<>();
      FrameWriter writer = new FrameWriter(socket, senderTasks::add, 1 << 20, e -> { });
      try {
        writer.send("{\"op\":\"hello\",\"origin\":{\"id\":\"w\",\"pid\":1},\"types\":null}");
        assertEquals(1, senderTasks.size(), "a plain send goes by the sender");
        senderTasks.remove(0).run();
        Outbox outbox = new Outbox(10_000, java.util.concurrent.TimeUnit.SECONDS.toNanos(10), "the test relay",
            new UnobservedFailures("the test relay"));
        outbox.attach(writer, false, 0);
        byte[] body = ("{\"pad\":\"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8);
        int line = EmitLine.write(1, "t", body).length;
        // Nothing reads the acks: every emit stays in flight.
        int here = 0;
        while (senderTasks.isEmpty()) {
          outbox.add("t", body, true);
          if (senderTasks.isEmpty()) here++;
        }
        assertTrue(here >= Outbox.HERE_BYTES / (line + 1) && here <= Outbox.HERE_BYTES / line,
            here + " emits of " + line + " bytes were written on the caller's thread");
        int written = here;
        // The hello's racket.client.joined took an id too.
        Await.until(() -> relay.lastId() - before == written + 1, 30,
            () -> (relay.lastId() - before - 1) + " of " + written + " emits reached the relay");
      } finally {
        socket.abort();
      }
    }
  }
}
