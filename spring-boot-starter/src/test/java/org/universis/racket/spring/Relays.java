package org.universis.racket.spring;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.universis.racket.junit.TestRelay;

/** Looks at a test relay over HTTP, as an operator would. */
final class Relays {

  private Relays() {}

  /** {@code GET /clients} of the relay. */
  static String clients(TestRelay relay) throws IOException {
    HttpURLConnection http = (HttpURLConnection) URI.create(relay.url() + "/clients").toURL().openConnection();
    http.setConnectTimeout(2_000);
    http.setReadTimeout(2_000);
    try (InputStream in = http.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      http.disconnect();
    }
  }

  /** Waits up to 10 s until the relay's client list satisfies {@code wanted}; returns it. */
  static String awaitClients(TestRelay relay, Predicate<String> wanted, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String clients;
    while (!wanted.test(clients = clients(relay))) {
      if (System.nanoTime() > deadline) throw new AssertionError("the relay never listed " + what + ": " + clients);
      Thread.sleep(20); // polling interval; the condition above decides
    }
    return clients;
  }
}
