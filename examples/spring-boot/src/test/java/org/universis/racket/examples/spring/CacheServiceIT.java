package org.universis.racket.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEvent;
import org.universis.racket.junit.RacketEvents;
import org.universis.racket.junit.RacketTest;
import org.universis.racket.junit.TestRelay;

/** Two instances of the example service, as processes, invalidate each other's caches through the starter. */
@RacketTest
class CacheServiceIT {

  private static final Path AGENT_JAR = Path.of("../../agent/target/racket.jar").toAbsolutePath().normalize();
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration SOON = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void anInvalidationInOneInstanceClearsTheOthersCache(TestRelay relay, RacketEvents events) throws Exception {
    String[] racket = {"--racket.url=" + relay.url(), "--racket.mode=client"};
    try (ServiceProcess a = ServiceProcess.start("a", with(racket, "--racket.name=a"));
        ServiceProcess b = ServiceProcess.start("b", with(racket, "--racket.name=b"))) {
      for (ServiceProcess s : new ServiceProcess[] {a, b}) {
        String health = s.awaitGet("/actuator/health", h -> h.startsWith("{\"status\":\"UP\""), START);
        assertTrue(health.contains("\"racket\":{\"status\":\"UP\"") && health.contains("\"url\":\"" + relay.url() + "\""),
            health);
      }
      // Both handlers are subscribed at the relay once it lists two connections asking for cache.invalidate.
      awaitRelayClients(relay, 2);

      assertTrue(b.get("/cache/users:42").body().startsWith("users:42 loaded at"));
      assertEquals("[\"users:42\"]", b.get("/cache").body());

      assertEquals(200, a.delete("/cache/users:42").statusCode());
      ProcessEvent sent = events.await("cache.invalidate", SOON);
      assertEquals(Map.of("key", "users:42"), sent.body());
      assertEquals("a", sent.origin().name());
      b.awaitGet("/cache", "[]"::equals, SOON);

      assertTrue(metric(a, "racket.events.emitted") >= 1, a.get("/actuator/metrics/racket.events.emitted").body());
      assertTrue(metric(b, "racket.events.received") >= 1, b.get("/actuator/metrics/racket.events.received").body());
      assertTrue(metric(a, "racket.emit.latency") >= 1, "one emit timed");
    }
  }

  @Test
  void underTheAgentTheStarterUsesTheAgentsConnection(TestRelay relay, RacketEvents events) throws Exception {
    String agent = "-javaagent:" + AGENT_JAR + "=url=" + relay.url() + ",mode=client,name=with-agent";
    try (ServiceProcess a = ServiceProcess.start("a", "--racket.url=" + relay.url(), "--racket.mode=client", "--racket.name=a");
        ServiceProcess b = ServiceProcess.start("with-agent", List.of(agent), "--racket.url=" + relay.url(),
            "--racket.mode=client", "--racket.name=starter-would-say-this")) {
      for (ServiceProcess s : new ServiceProcess[] {a, b}) {
        s.awaitGet("/actuator/health", h -> h.startsWith("{\"status\":\"UP\""), START);
      }
      awaitRelayClients(relay, 2);
      String clients = HTTP.send(HttpRequest.newBuilder(URI.create(relay.url() + "/clients")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertEquals(1, count(clients, "\"name\":\"with-agent\""), "one connection, the agent's: " + clients);
      assertEquals(0, count(clients, "starter-would-say-this"), "no connection of the starter's own: " + clients);

      // The agent subscribed the handler (the starter did not, or it would run twice); it works.
      b.get("/cache/users:7");
      a.delete("/cache/users:7");
      assertEquals("a", events.await("cache.invalidate", SOON).origin().name());
      b.awaitGet("/cache", "[]"::equals, SOON);
    }
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  private static double metric(ServiceProcess s, String name) throws Exception {
    String body = s.get("/actuator/metrics/" + name).body();
    Matcher m = Pattern.compile("\"statistic\":\"(COUNT)\",\"value\":([0-9.E]+)").matcher(body);
    if (!m.find()) throw new AssertionError("no COUNT in " + body);
    return Double.parseDouble(m.group(2));
  }

  /** Waits until the relay (in this JVM) lists {@code count} connections whose filter has cache.invalidate. */
  private static void awaitRelayClients(TestRelay relay, int count) throws Exception {
    HttpRequest clients = HttpRequest.newBuilder(URI.create(relay.url() + "/clients")).build();
    long deadline = System.nanoTime() + SOON.toNanos();
    String last;
    while ((last = HTTP.send(clients, HttpResponse.BodyHandlers.ofString()).body())
        .split("cache\\.invalidate", -1).length - 1 < count) {
      if (System.nanoTime() > deadline) throw new AssertionError("the relay never listed " + count + " subscribers: " + last);
      Thread.sleep(50); // polling interval; the condition above decides
    }
  }

  private static String[] with(String[] common, String more) {
    String[] all = Arrays.copyOf(common, common.length + 1);
    all[common.length] = more;
    return all;
  }
}
