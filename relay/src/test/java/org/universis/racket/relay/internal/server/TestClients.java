package org.universis.racket.relay.internal.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Real HTTP, SSE and WebSocket clients of a relay, built on the JDK's java.net.http. */
final class TestClients {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestClients() {}

  static HttpResponse<String> post(String url, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) b.header("Content-Type", contentType);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Posts events and returns their ids. */
  static List<Long> emit(String base, String body) throws Exception {
    HttpResponse<String> r = post(base + "/events", "application/json", body);
    if (r.statusCode() != 202) throw new AssertionError("POST answered " + r.statusCode() + " " + r.body());
    List<Long> ids = new ArrayList<>();
    for (JsonNode id : JSON.readTree(r.body()).get("ids")) ids.add(id.asLong());
    return ids;
  }

  /** Events of type "lag" the lagging-reader tests post: numbered, each padded to about 550 bytes. */
  static final int LAG_EVENTS = 150 * 64;

  /** Posts the {@link #LAG_EVENTS} "lag" events, 64 per request, numbered from 0. */
  static void postLagEvents(String base) throws Exception {
    for (int n = 0; n < LAG_EVENTS; ) {
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < 64; i++, n++) {
        batch.append(i == 0 ? "" : ",").append("{\"type\":\"lag\",\"n\":").append(n)
            .append(",\"pad\":\"").append(lagPad(n)).append("\"}");
      }
      emit(base, batch.append("]").toString());
    }
  }

  /** Checks that an envelope of a "lag" event is the {@code expected}-th one, intact. */
  static void assertLagEvent(int expected, String envelope) throws Exception {
    JsonNode body = JSON.readTree(envelope).get("body");
    String shown = envelope.length() > 120 ? envelope.substring(0, 120) : envelope;
    if (body.get("n").asInt() != expected || !lagPad(expected).equals(body.get("pad").asText())) {
      throw new AssertionError("expected lag event " + expected + ", got " + shown);
    }
  }

  private static String lagPad(int n) {
    return Integer.toString(n % 10).repeat(400);
  }

  static long metric(String base, String name) throws Exception {
    for (String line : get(base + "/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) return Long.parseLong(line.substring(name.length() + 1).trim());
    }
    throw new AssertionError("no metric " + name);
  }

  /**
   * A {@code POST /events} in {@code application/x-ndjson} over a plain socket, sent in chunks as
   * the test goes, the way a pipe into {@code curl -T -} sends it.
   */
  static final class LineStream implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    /** Sends the request's head; {@code headers} are extra lines, each ending in CRLF. */
    LineStream(int port, String query, String headers) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      out = socket.getOutputStream();
      in = socket.getInputStream();
      out.write(("POST /events" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/x-ndjson\r\n"
          + "Transfer-Encoding: chunked\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    /** Sends {@code text} as one chunk of the body, at once. */
    void chunk(String text) throws IOException {
      send(framed(text));
    }

    /** {@code text} framed as one chunk, for {@link #send}. */
    static byte[] framed(String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      byte[] size = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] chunk = Arrays.copyOf(size, size.length + bytes.length + 2);
      System.arraycopy(bytes, 0, chunk, size.length, bytes.length);
      chunk[chunk.length - 2] = '\r';
      chunk[chunk.length - 1] = '\n';
      return chunk;
    }

    /** Sends chunks made by {@link #framed}, in one write. */
    void send(byte[] chunks) throws IOException {
      out.write(chunks);
      out.flush();
    }

    /** Ends the body; returns the relay's answer. */
    Answer end() throws IOException {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return answer();
    }

    /** Reads one answer: its status line, headers and a body of Content-Length bytes. */
    Answer answer() throws IOException {
      return answerOf(in);
    }

    /** Reads one answer off any socket's input, as {@link #answer}. */
    static Answer answerOf(InputStream in) throws IOException {
      String head = readHead(in);
      int length = 0;
      for (String h : head.split("\r\n")) {
        if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) length = Integer.parseInt(h.substring(15).trim());
      }
      return new Answer(Integer.parseInt(head.substring(9, 12)), head,
          JSON.readTree(in.readNBytes(length)));
    }

    private static String readHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) throw new IOException("closed after " + head);
        head.append((char) b);
      }
      return head.toString();
    }

    /** Whether the relay closed the connection (reading it ends), within the socket's timeout. */
    boolean closedByRelay() throws IOException {
      return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** An HTTP answer read off a socket. */
  record Answer(int status, String head, JsonNode body) {}

  /** One SSE record. */
  record SseEvent(String id, String event, JsonNode data) {}

  /** A {@code GET /events} stream read by its own thread into a queue. */
  static final class Sse implements AutoCloseable {
    final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
    final int status;
    private final InputStream body;

    Sse(String url, String lastEventId) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.replace(">", "%3E")));
      if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
      HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      status = r.statusCode();
      body = r.body();
      Thread reader = new Thread(this::read, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String id = null;
        String event = null;
        String data = null;
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isEmpty()) {
            if (data != null) events.add(new SseEvent(id, event, JSON.readTree(data)));
            id = event = data = null;
          } else if (line.startsWith("id: ")) id = line.substring(4);
          else if (line.startsWith("event: ")) event = line.substring(7);
          else if (line.startsWith("data: ")) data = line.substring(6);
        }
      } catch (IOException e) {
        // closed
      }
    }

    /** The next {@code n} events, failing after {@code seconds}. */
    List<SseEvent> take(int n, int seconds) throws InterruptedException {
      List<SseEvent> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (out.size() < n) {
        SseEvent e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (e == null) throw new AssertionError("got " + out.size() + " of " + n + " events: " + out);
        out.add(e);
      }
      return out;
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /** A {@code GET /ws} connection; every line the relay sends lands in {@link #messages}. */
  static final class Ws implements AutoCloseable {
    final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final WebSocket socket;
    int frames;

    Ws(String base) throws Exception {
      this(base, "");
    }

    Ws(String base, String query) throws Exception {
      socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(base.replace("http:", "ws:") + "/ws" + query),
          new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
              text.append(data);
              if (last) {
                frames++;
                for (String line : text.toString().split("\n")) {
                  if (line.isBlank()) continue;
                  try {
                    messages.add(JSON.readTree(line));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }
                text.setLength(0);
              }
              ws.request(1);
              return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
              closeCode.complete(code);
              return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
              closeCode.complete(-1);
            }
          }).get(10, TimeUnit.SECONDS);
    }

    void send(String text) throws Exception {
      socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    /** Sends hello and returns the welcome. */
    JsonNode hello(String types, Long lastEventId) throws Exception {
      String t = types == null ? "" : ",\"types\":" + JSON.writeValueAsString(types);
      String l = lastEventId == null ? "" : ",\"lastEventId\":" + lastEventId;
      send("{\"op\":\"hello\",\"origin\":{\"id\":\"test-" + System.nanoTime() + "\",\"pid\":1,"
          + "\"host\":\"h\",\"name\":\"t\"}" + t + l + "}");
      JsonNode welcome = next(10);
      if (!"welcome".equals(welcome.path("op").asText())) throw new AssertionError("expected welcome: " + welcome);
      return welcome;
    }

    JsonNode next(int seconds) throws InterruptedException {
      JsonNode m = messages.poll(seconds, TimeUnit.SECONDS);
      if (m == null) throw new AssertionError("no message within " + seconds + " s");
      return m;
    }

    /** The next {@code n} messages that satisfy {@code keep}, skipping others. */
    List<JsonNode> take(int n, int seconds, Predicate<JsonNode> keep) throws InterruptedException {
      List<JsonNode> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (out.size() < n) {
        JsonNode m = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (m == null) throw new AssertionError("got " + out.size() + " of " + n + ": " + out);
        if (keep.test(m)) out.add(m);
      }
      return out;
    }

    static boolean isEvent(JsonNode m) {
      return m.has("id") && !m.has("op");
    }

    @Override
    public void close() {
      socket.abort();
    }
  }
}
