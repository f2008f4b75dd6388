package org.universis.racket.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * racket's HTTP surface through a minimal HTTP/1.1 client: the same requests as
 * {@link SseTransport} (one event per {@code POST /events} on 8 keep-alive connections, one
 * request at a time on each; {@code GET /events} read as Server-Sent Events), written and read as
 * bytes on plain sockets. The JDK's HttpClient costs the publisher several hundred microseconds of
 * CPU per request (docs/PERFORMANCE.md); this is what a lean client, as most languages have one,
 * sees of the relay itself.
 */
final class RawHttpTransport implements Transport {

  private static final byte[] CRLF2 = {'\r', '\n', '\r', '\n'};

  @Override
  public Sender sender(String url, Scenario.Phase phase, View view) throws Exception {
    URI uri = URI.create(url);
    Window window = Window.forPhase(phase, SseTransport.IN_FLIGHT);
    BlockingQueue<byte[]> bodies = new ArrayBlockingQueue<>(SseTransport.IN_FLIGHT);
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < SseTransport.IN_FLIGHT; i++) {
      Socket socket = connect(uri);
      sockets.add(socket);
      Thread poster = new Thread(() -> postLoop(uri, socket, bodies, window), "raw-post-" + i);
      poster.setDaemon(true);
      poster.start();
    }
    return new Sender() {
      @Override
      public void send(Tick tick) throws InterruptedException {
        window.acquire();
        bodies.put(view.httpBody(tick));
      }

      @Override
      public long failed() {
        return window.failed();
      }

      @Override
      public void drain() throws InterruptedException {
        window.drain();
      }

      @Override
      public void close() throws IOException {
        for (Socket s : sockets) s.close();
      }
    };
  }

  // One keep-alive connection: a request, its whole answer, the next request.
  private static void postLoop(URI uri, Socket socket, BlockingQueue<byte[]> bodies, Window window) {
    try {
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
      byte[] head = ("POST /events?type=" + Tick.TYPE + " HTTP/1.1\r\nHost: " + uri.getAuthority()
          + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
      byte[] request = new byte[1024];
      while (true) {
        byte[] body = bodies.take();
        byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        int size = head.length + length.length + body.length;
        if (request.length < size) request = new byte[size];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(length, 0, request, head.length, length.length);
        System.arraycopy(body, 0, request, head.length + length.length, body.length);
        out.write(request, 0, size);
        String answer = readHead(in);
        skip(in, contentLength(answer));
        window.release(answer.startsWith("HTTP/1.1 202") ? null
            : new IllegalStateException("POST /events answered " + answer.lines().findFirst().orElse("")));
      }
    } catch (IOException e) {
      window.release(e); // closed by close(), or the relay went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public AutoCloseable subscribe(String url, View view, Tick.TickSink sink) throws Exception {
    URI uri = URI.create(url);
    Socket socket = connect(uri);
    socket.getOutputStream().write(("GET /events?types=" + Tick.TYPE + " HTTP/1.1\r\nHost: "
        + uri.getAuthority() + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    InputStream in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
    String answer = readHead(in);
    if (!answer.startsWith("HTTP/1.1 200")) {
      socket.close();
      throw new IllegalStateException("GET /events answered " + answer.lines().findFirst().orElse(""));
    }
    // The relay streams without chunking and closes at the end (Connection: close).
    if (answer.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
      socket.close();
      throw new IllegalStateException("a chunked event stream: this client reads plain streams only");
    }
    Thread reader = new Thread(() -> readEvents(in, view, sink), "raw-sse");
    reader.setDaemon(true);
    reader.start();
    return socket::close;
  }

  // Splits the stream into lines in place, a block at a time, and reads each data: line of an event
  // of type bench once, in place: what a lean SSE client does. Others are racket.resync notices
  // (events dropped for this slow reader), counted as loss.
  private static void readEvents(InputStream in, View view, Tick.TickSink sink) {
    byte[] block = new byte[64 << 10];
    int length = 0;
    boolean tick = false; // the event being read is of type bench
    try {
      for (int n; (n = in.read(block, length, block.length - length)) >= 0; ) {
        length += n;
        int from = 0;
        for (int nl = indexOf(block, from, length); nl >= 0; nl = indexOf(block, from, length)) {
          if (nl - from > 6 && block[from] == 'e' && block[from + 5] == ':') {
            tick = lineEquals(block, from + (block[from + 6] == ' ' ? 7 : 6), nl, EVENT_TYPE);
          } else if (tick && nl - from > 5 && block[from] == 'd' && block[from + 4] == ':') {
            int data = from + (block[from + 5] == ' ' ? 6 : 5);
            view.readEnvelope(block, data, nl - data, sink);
          }
          from = nl + 1;
        }
        length -= from;
        System.arraycopy(block, from, block, 0, length);
        if (length == block.length) block = Arrays.copyOf(block, 2 * length); // a line longer than the block
      }
    } catch (IOException e) {
      // closed by the subscriber's close, or the relay went away
    }
  }

  private static int indexOf(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == '\n') return i;
    }
    return -1;
  }

  private static final byte[] EVENT_TYPE = Tick.TYPE.getBytes(StandardCharsets.US_ASCII);

  // Whether the line from..to is exactly `what` (a CR before the LF aside).
  private static boolean lineEquals(byte[] bytes, int from, int to, byte[] what) {
    int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
    return end - from == what.length && Arrays.equals(bytes, from, end, what, 0, what.length);
  }

  static Socket connect(URI uri) throws IOException {
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    socket.setTcpNoDelay(true);
    socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(60));
    return socket;
  }

  // Up to and including the blank line after the headers.
  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder(256);
    int matched = 0;
    while (matched < CRLF2.length) {
      int b = in.read();
      if (b < 0) throw new EOFException("the relay closed the connection");
      head.append((char) b);
      matched = b == CRLF2[matched] ? matched + 1 : b == '\r' ? 1 : 0;
    }
    return head.toString();
  }

  static long contentLength(String head) {
    for (String h : head.split("\r\n")) {
      if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) return Long.parseLong(h.substring(15).trim());
    }
    return 0;
  }

  private static void skip(InputStream in, long n) throws IOException {
    for (long i = 0; i < n; i++) {
      if (in.read() < 0) throw new EOFException("the relay closed the connection");
    }
  }
}
