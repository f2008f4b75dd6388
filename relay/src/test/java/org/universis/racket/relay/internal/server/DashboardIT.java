package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;

/**
 * The dashboard at {@code GET /} in headless Chromium, against a relay with a token, while two
 * named clients are connected and events flow. Screenshots: {@code target/dashboard.png} and
 * {@code target/dashboard-phone.png}.
 */
class DashboardIT {

  private static final String TOKEN = "dash-s3cret";
  // What the test reads from the page: the clients' names, the types in the tail, the chart's points.
  private static final String STATE = """
      !document.getElementById('line-in') ? JSON.stringify({names: [], types: [], points: 0}) : JSON.stringify({
        names: [...document.querySelectorAll('#clients td.name')].map(td => td.textContent),
        types: [...document.querySelectorAll('#events li')].map(li => li.dataset.type),
        visibleTypes: [...document.querySelectorAll('#events li')].filter(li => li.getClientRects().length > 0)
            .map(li => li.dataset.type),
        points: document.getElementById('line-in').getAttribute('points').trim().split(/\\s+/).filter(p => p).length,
        relay: document.getElementById('relay-id').textContent,
        status: document.getElementById('status').textContent,
        overflow: document.documentElement.scrollWidth - window.innerWidth
      })""";

  @Test
  void theDashboardShowsClientsEventsAndTheirRate(@TempDir Path dir) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n", StandardCharsets.UTF_8);
    ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
    try (RelayProcess relay = RelayProcess.start(List.of(), "--token-file", token.toString());
        ProcessEventEmitter alice = named(relay, "alice");
        ProcessEventEmitter bob = named(relay, "bob")) {
      bob.subscribe("app.>", e -> { });
      ticks.scheduleAtFixedRate(() -> alice.tryEmit("app.tick", System.nanoTime()), 0, 50, TimeUnit.MILLISECONDS);
      String relayId = TestClients.JSON.readTree(TestClients.get(relay.url() + "/health").body()).get("relay").asText();

      try (DevTools page = DevTools.open(relay.url() + "/?token=" + TOKEN, dir, 1200, 1400)) {
        JsonNode[] state = new JsonNode[1];
        Await.until(() -> {
          state[0] = TestClients.JSON.readTree(page.evaluate(STATE));
          return names(state[0]).containsAll(List.of("alice", "bob"))
              && state[0].get("types").toString().contains("app.tick") && state[0].get("points").asInt() >= 3;
        }, 60, () -> "the dashboard's state: " + state[0]);
        assertEquals(relayId, state[0].get("relay").asText());
        assertEquals("live", state[0].get("status").asText());
        assertTrue(names(state[0]).contains("dashboard"), "its own stream is listed: " + state[0]);
        page.screenshot(Path.of("target/dashboard.png"));

        // The type filter hides what it does not match.
        page.evaluate("(() => { const f = document.getElementById('type-filter'); f.value = 'racket.>';"
            + " f.dispatchEvent(new Event('input')); return ''; })()");
        JsonNode filtered = TestClients.JSON.readTree(page.evaluate(STATE));
        assertTrue(filtered.get("visibleTypes").size() > 0, filtered.toString());
        filtered.get("visibleTypes").forEach(t -> assertTrue(t.asText().startsWith("racket."), filtered.toString()));

        // Paused, the tail holds still while events go on arriving.
        page.evaluate("(() => { document.getElementById('pause').click(); return ''; })()");
        int shown = TestClients.JSON.readTree(page.evaluate(STATE)).get("types").size();
        Await.until(() -> !page.evaluate("document.getElementById('held').textContent").isEmpty(), 30, "events held");
        assertEquals(shown, TestClients.JSON.readTree(page.evaluate(STATE)).get("types").size());

        page.phone(390, 844);
        Await.until(() -> TestClients.JSON.readTree(page.evaluate(STATE)).get("overflow").asInt() <= 0, 30,
            () -> "no sideways scrolling on a phone");
        page.screenshot(Path.of("target/dashboard-phone.png"));
      }
    } finally {
      ticks.shutdownNow();
    }
  }

  private static List<String> names(JsonNode state) {
    return TestClients.JSON.convertValue(state.get("names"), TestClients.JSON.getTypeFactory()
        .constructCollectionType(List.class, String.class));
  }

  private static ProcessEventEmitter named(RelayProcess relay, String name) {
    return new ProcessEventEmitter(RacketOptions.builder().url(relay.url()).name(name).token(TOKEN)
        .mode(RacketOptions.Mode.CLIENT).build());
  }
}
