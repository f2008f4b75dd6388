package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web pages against a relay process (docs/SECURITY.md, "Web pages"): a page in headless Chromium,
 * served from another origin, tries WebSocket, EventSource and fetch POST and gets nothing; a page
 * of a listed origin can use the WebSocket, and nothing that needs CORS; a rebound name gets
 * refused. ForeignRequestsIT sends the same requests on raw sockets, endpoint by endpoint.
 */
class BrowserIsolationIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final String HISTORY_TYPE = "history.secret";
  /** The page tries everything at once and reports back what happened to each. */
  private static final String PAGE = """
      <!doctype html><html><body><pre id="out">running</pre><script>
      const relay = "RELAY";
      const results = {ws: {opened: false, messages: [], closed: null}, sse: {opened: false, events: []},
          cors: null, noCors: null};
      const pending = new Set(["ws", "sse", "cors", "noCors"]);
      let reported = false;
      function report() {
        if (reported) return;
        reported = true;
        document.getElementById("out").textContent = JSON.stringify(results);
        fetch("/report", {method: "POST", body: JSON.stringify(results)});
      }
      function done(part) { pending.delete(part); if (pending.size === 0) report(); }
      setTimeout(report, 10000); // whatever is still pending then is reported as it is

      const ws = new WebSocket("ws://" + relay + "/ws");
      ws.onopen = () => {
        results.ws.opened = true;
        ws.send(JSON.stringify({op: "hello", origin: {id: "page", pid: 1, host: "page", name: "page"},
            types: "", lastEventId: 0}));
        ws.send(JSON.stringify({op: "emit", seq: 1, type: "page.ws", body: {from: "page"}}));
      };
      ws.onmessage = e => {
        results.ws.messages.push(e.data);
        if (e.data.includes('"op":"ack"') || e.data.includes('"op":"nack"')) ws.close();
      };
      ws.onclose = e => { results.ws.closed = e.code; done("ws"); };

      const es = new EventSource("http://" + relay + "/events?lastEventId=0");
      es.onopen = () => { results.sse.opened = true; };
      es.addEventListener("HISTORY", e => results.sse.events.push(e.data));
      es.onerror = () => { es.close(); done("sse"); };

      fetch("http://" + relay + "/events", {method: "POST", headers: {"Content-Type": "application/json"},
          body: JSON.stringify({type: "page.cors"})})
        .then(r => r.text()).then(t => { results.cors = "answered: " + t; }, e => { results.cors = "failed: " + e; })
        .finally(() => done("cors"));
      fetch("http://" + relay + "/events", {method: "POST", mode: "no-cors",
          headers: {"Content-Type": "text/plain"}, body: JSON.stringify({type: "page.nocors"})})
        .then(r => { results.noCors = "answered: " + r.type; }, e => { results.noCors = "failed: " + e; })
        .finally(() => done("noCors"));
      </script></body></html>
      """;

  @TempDir static Path dir;
  private static HttpServer pages;
  private static RelayProcess relay;
  private static String base;
  private static final ConcurrentHashMap<String, CompletableFuture<JsonNode>> reports = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install the Debian package"
        + " chromium (apt-get install chromium); .ci/run does");
    pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pages.createContext("/", BrowserIsolationIT::servePage);
    pages.start();
    // The same page server is two origins: 127.0.0.1 (a stranger) and localhost (listed).
    relay = RelayProcess.start(List.of("-Xmx128m"), "--allow-origin", allowedOrigin());
    base = relay.url();
    TestClients.emit(base, "[{\"type\":\"" + HISTORY_TYPE + "\",\"n\":1},{\"type\":\"" + HISTORY_TYPE + "\",\"n\":2}]");
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) relay.close();
    if (pages != null) pages.stop(0);
  }

  private static String allowedOrigin() {
    return "http://localhost:" + pages.getAddress().getPort();
  }

  @Test
  void aPageOfAnotherOriginGetsNothingAndEmitsNothing() throws Exception {
    long refused = rejected(403);
    try (TestClients.Sse good = new TestClients.Sse(base + "/events", null)) {
      JsonNode results = runPage("http://127.0.0.1:" + pages.getAddress().getPort());

      assertFalse(results.get("ws").get("opened").asBoolean(), results.toString());
      assertEquals(0, results.get("ws").get("messages").size(), results.toString());
      assertFalse(results.get("sse").get("opened").asBoolean(), results.toString());
      assertEquals(0, results.get("sse").get("events").size(), results.toString());
      assertTrue(results.get("cors").asText().startsWith("failed"), results.toString());
      // The relay, not the browser alone, said no: WebSocket, EventSource, preflight, no-cors POST.
      assertTrue(rejected(403) - refused >= 4, "403s: " + (rejected(403) - refused) + "; " + results);
      assertEquals(List.of(), eventTypesBeforeMarker(good), "events the page emitted");
    }
  }

  @Test
  void aListedOriginsPageMayUseTheWebSocketButGetsNoCors() throws Exception {
    try (TestClients.Sse good = new TestClients.Sse(base + "/events", null)) {
      JsonNode results = runPage(allowedOrigin());

      List<String> messages = new ArrayList<>();
      results.get("ws").get("messages").forEach(m -> messages.add(m.asText()));
      String all = String.join("", messages);
      assertTrue(all.contains("\"op\":\"welcome\""), results.toString());
      assertTrue(all.contains(HISTORY_TYPE), "replay from lastEventId 0: " + results);
      assertTrue(all.contains("\"op\":\"ack\""), results.toString());
      // No CORS header from the relay: the browser shows the page neither the stream nor the answer.
      assertEquals(0, results.get("sse").get("events").size(), results.toString());
      assertTrue(results.get("cors").asText().startsWith("failed"), results.toString());
      assertEquals(List.of("page.ws"), eventTypesBeforeMarker(good), "events the page emitted");
    }
  }

  @Test
  void dnsRebindingIsRefusedInTheBrowser() throws Exception {
    String rebound = dumpDom("http://evil.example:" + relay.port() + "/health", "MAP evil.example 127.0.0.1");
    assertTrue(rebound.contains("misdirected_request"), rebound);
    assertFalse(rebound.contains("\"status\":\"ok\""), rebound);
    String typed = dumpDom("http://localhost:" + relay.port() + "/health", null);
    assertTrue(typed.contains("\"status\":\"ok\""), "a loopback name typed into the browser: " + typed);
  }

  /** Emits a marker and returns the types the subscriber saw before it, history left out. */
  private static List<String> eventTypesBeforeMarker(TestClients.Sse good) throws Exception {
    TestClients.emit(base, "{\"type\":\"marker\"}");
    List<String> types = new ArrayList<>();
    while (true) {
      TestClients.SseEvent e = good.events.poll(20, TimeUnit.SECONDS);
      if (e == null) throw new AssertionError("the marker did not arrive; before it: " + types);
      if (e.event().equals("marker")) return types;
      types.add(e.event());
    }
  }

  private static long rejected(int status) throws Exception {
    return TestClients.metric(base, "racket_requests_rejected_total{status=\"" + status + "\"}");
  }

  /** Loads the page from {@code origin} in Chromium and returns what it reported. */
  private static JsonNode runPage(String origin) throws Exception {
    String id = Long.toHexString(System.nanoTime());
    CompletableFuture<JsonNode> report = reports.computeIfAbsent(id, k -> new CompletableFuture<>());
    // No --dump-dom: Chromium keeps the page running until it reported, then it is stopped.
    Process chromium = chromium(origin + "/page/" + id, false, null).start();
    try {
      return report.get(60, TimeUnit.SECONDS);
    } finally {
      chromium.destroy();
      if (!chromium.waitFor(10, TimeUnit.SECONDS)) chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String dumpDom(String url, String resolverRules) throws Exception {
    Path out = dir.resolve("dom-" + System.nanoTime());
    Process chromium = chromium(url, true, resolverRules).redirectOutput(out.toFile()).start();
    try {
      assertTrue(chromium.waitFor(60, TimeUnit.SECONDS), "chromium did not finish loading " + url);
      return Files.readString(out);
    } finally {
      chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  // Real time throughout: a virtual time budget would run the page's timers ahead of the relay.
  private static ProcessBuilder chromium(String url, boolean dumpDom, String resolverRules) throws IOException {
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking",
        "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
    if (dumpDom) command.add("--dump-dom");
    if (resolverRules != null) command.add("--host-resolver-rules=" + resolverRules);
    command.add(url);
    ProcessBuilder chromium = new ProcessBuilder(command)
        .redirectError(dir.resolve("chromium-" + System.nanoTime() + ".err").toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    chromium.environment().put("TMPDIR", dir.toString()); // its singleton sockets go with the test
    return chromium;
  }

  private static void servePage(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/report/")) {
        byte[] body = exchange.getRequestBody().readNBytes(1 << 20);
        reports.computeIfAbsent(path.substring("/report/".length()), k -> new CompletableFuture<>())
            .complete(TestClients.JSON.readTree(body));
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      String id = path.substring(path.lastIndexOf('/') + 1);
      byte[] page = PAGE.replace("RELAY", "127.0.0.1:" + relay.port()).replace("HISTORY", HISTORY_TYPE)
          .replace("\"/report\"", "\"/report/" + id + "\"").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(page);
      }
    }
  }
}
