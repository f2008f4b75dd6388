package org.universis.racket.relay.internal.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over the DevTools protocol: a page that keeps running (an open
 * EventSource) is asked about its DOM while it lives, and photographed. {@link #close()} stops it.
 */
final class DevTools implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final Process chromium;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();

  private DevTools(Process chromium, WebSocket socket) {
    this.chromium = chromium;
    this.socket = socket;
  }

  /** Starts Chromium on {@code url} with a window of {@code width} x {@code height}. */
  static DevTools open(String url, Path dir, int width, int height) throws Exception {
    Path profile = Files.createTempDirectory(dir, "chromium");
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking",
        "--remote-debugging-port=0", "--remote-allow-origins=*", "--hide-scrollbars",
        "--window-size=" + width + "," + height, "--user-data-dir=" + profile, url));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectError(dir.resolve("chromium-" + System.nanoTime() + ".err").toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("TMPDIR", dir.toString());
    Process chromium = pb.start();
    try {
      Path active = profile.resolve("DevToolsActivePort");
      Await.until(() -> Files.exists(active) && Files.readAllLines(active).size() >= 1, 60,
          "Chromium's DevToolsActivePort");
      int port = Integer.parseInt(Files.readAllLines(active).get(0).trim());
      String[] target = new String[1];
      Await.until(() -> {
        for (JsonNode t : TestClients.JSON.readTree(TestClients.get("http://127.0.0.1:" + port + "/json/list").body())) {
          if (t.path("type").asText().equals("page")) target[0] = t.get("webSocketDebuggerUrl").asText();
        }
        return target[0] != null;
      }, 60, "a page target");
      DevTools[] self = new DevTools[1];
      WebSocket socket = TestClients.HTTP.newWebSocketBuilder().buildAsync(URI.create(target[0]),
          new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean lastPart) {
              text.append(data);
              if (lastPart) {
                self[0].received(text.toString());
                text.setLength(0);
              }
              ws.request(1);
              return null;
            }
          }).get(30, TimeUnit.SECONDS);
      self[0] = new DevTools(chromium, socket);
      return self[0];
    } catch (Exception | AssertionError e) {
      chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw e;
    }
  }

  private void received(String message) {
    try {
      JsonNode m = TestClients.JSON.readTree(message);
      CompletableFuture<JsonNode> answer = m.has("id") ? answers.remove(m.get("id").asInt()) : null;
      if (answer != null) answer.complete(m);
    } catch (Exception e) {
      // an event we did not ask for, or not JSON: nothing waits for it
    }
  }

  /** Sends a command and waits for its result. */
  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    answers.put(id, answer);
    ObjectNode m = TestClients.JSON.createObjectNode().put("id", id).put("method", method);
    m.set("params", params);
    socket.sendText(m.toString(), true).get(10, TimeUnit.SECONDS);
    JsonNode reply = answer.get(30, TimeUnit.SECONDS);
    if (reply.has("error")) throw new AssertionError(method + " failed: " + reply.get("error"));
    return reply.get("result");
  }

  /** The value of a JavaScript expression in the page, which must give a string. */
  String evaluate(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", TestClients.JSON.createObjectNode().put("expression", expression)
        .put("returnByValue", true));
    if (r.has("exceptionDetails")) throw new AssertionError(expression + " threw " + r.get("exceptionDetails"));
    return r.get("result").path("value").asText();
  }

  /** Saves a PNG of the page as it is now. */
  void screenshot(Path file) throws Exception {
    JsonNode r = call("Page.captureScreenshot", TestClients.JSON.createObjectNode().put("format", "png")
        .put("captureBeyondViewport", true));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
  }

  /** Shows the page as a phone of {@code width} CSS pixels would. */
  void phone(int width, int height) throws Exception {
    call("Emulation.setDeviceMetricsOverride", TestClients.JSON.createObjectNode().put("width", width)
        .put("height", height).put("deviceScaleFactor", 2).put("mobile", true));
  }

  @Override
  public void close() throws InterruptedException {
    socket.abort();
    chromium.destroy();
    if (!chromium.waitFor(10, TimeUnit.SECONDS)) chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
