package org.universis.racket.bench;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * racket's HTTP surface as any language uses it: {@code POST /events?type=bench} (keep-alive
 * connections of the JDK's HttpClient, a few requests in flight) and {@code GET /events} read as
 * Server-Sent Events, each {@code data:} line of an event of type bench read as the view says.
 */
final class SseTransport implements Transport {

  /** POSTs in flight at once: a small pool of keep-alive connections, as a busy service would have. */
  static final int IN_FLIGHT = 8;

  private final int batch;

  /** @param batch events per POST: 1 is the plain way; more sends a JSON array */
  SseTransport(int batch) {
    this.batch = batch;
  }

  static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public Sender sender(String url, Scenario.Phase phase, View view) {
    HttpClient http = client();
    URI events = URI.create(url + "/events?type=" + Tick.TYPE);
    Window window = Window.forPhase(phase, IN_FLIGHT);
    return new Sender() {
      private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
      private int count;

      @Override
      public void send(Tick tick) throws InterruptedException {
        byte[] json = view.httpBody(tick);
        if (batch == 1) {
          post(json);
          return;
        }
        pending.write(count == 0 ? '[' : ',');
        pending.writeBytes(json);
        if (++count == batch) postPending();
      }

      @Override
      public long failed() {
        return window.failed();
      }

      @Override
      public void drain() throws InterruptedException {
        if (count > 0) postPending();
        window.drain();
      }

      private void postPending() throws InterruptedException {
        pending.write(']');
        post(pending.toByteArray());
        pending.reset();
        count = 0;
      }

      private void post(byte[] body) throws InterruptedException {
        window.acquire();
        HttpRequest request = HttpRequest.newBuilder(events)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) ->
            window.release(e != null ? e : r.statusCode() == 202 ? null
                : new IllegalStateException("POST /events answered " + r.statusCode() + " " + r.body())));
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public AutoCloseable subscribe(String url, View view, Tick.TickSink sink) throws Exception {
    Stream stream = open(client(), url, (event, data) -> {
      // racket.resync notices (the relay dropped events for this slow reader) count as loss
      if (Tick.TYPE.equals(event)) {
        byte[] line = data.getBytes(StandardCharsets.UTF_8);
        view.readEnvelope(line, 0, line.length, sink);
      }
    });
    stream.awaitOpen();
    return stream;
  }

  static Stream open(HttpClient http, String url, Stream.DataSink sink) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/events?types=" + Tick.TYPE))
        .header("Accept", "text/event-stream").GET().build();
    Stream stream = new Stream(sink);
    // The handler sees the status as soon as the headers arrive; the response future itself only
    // completes when the stream ends.
    stream.response = http.sendAsync(request, info -> {
      stream.status.complete(info.statusCode());
      return HttpResponse.BodySubscribers.fromLineSubscriber(stream);
    });
    stream.response.whenComplete((r, e) -> {
      if (e != null) stream.status.completeExceptionally(e);
    });
    return stream;
  }

  /**
   * One SSE connection: hands each {@code data:} line to its sink with the {@code event:} name
   * before it, on the client's threads.
   */
  static final class Stream implements Flow.Subscriber<String>, AutoCloseable {

    interface DataSink {
      void data(String event, String data);

      default void failed(Throwable error) {}
    }

    private final DataSink sink;
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<HttpResponse<Void>> response;
    private String event = ""; // of the event being read; lines arrive one at a time

    Stream(DataSink sink) {
      this.sink = sink;
    }

    /** Waits for the relay's answer: a 200 with the stream open. */
    void awaitOpen() throws Exception {
      int code;
      try {
        code = status.get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("GET /events did not answer within 30 s", e);
      }
      if (code != 200) throw new IllegalStateException("GET /events answered " + code);
    }

    /** Completes with the HTTP status once the headers arrived, or exceptionally if none did. */
    CompletableFuture<Integer> status() {
      return status;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (line.startsWith("event:")) event = field(line, 6);
      else if (line.startsWith("data:")) sink.data(event, field(line, 5));
      else if (line.isEmpty()) event = "";
    }

    private static String field(String line, int value) {
      return line.substring(line.length() > value && line.charAt(value) == ' ' ? value + 1 : value);
    }

    @Override
    public void onError(Throwable error) {
      sink.failed(error);
    }

    @Override
    public void onComplete() {
      sink.failed(new IllegalStateException("the relay ended the SSE stream"));
    }

    @Override
    public void close() {
      Flow.Subscription s = subscription;
      if (s != null) s.cancel();
      response.cancel(true);
    }
  }
}
