package org.universis.racket.relay.internal.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Attacks on the relay (docs/SECURITY.md) as a client would make them, over raw loopback sockets, each bounded in
 * count and in time; and what the hostile-client suites measure of the relay: {@code /health}
 * latency, RSS, CLOSE_WAIT sockets. Shared by the suite against a standalone relay and the one
 * against a relay hosted in an application.
 */
public final class HostileClients {

  /** The WebSocket close code of a connection refused for want of room (RFC 6455, 1013). */
  public static final int TRY_AGAIN_LATER = 1013;
  /** A declared frame just under the default max-event-size plus FRAME_SLACK. */
  public static final int DECLARED_FRAME = 1_100_000;

  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "hostile-watchdog");
    t.setDaemon(true);
    return t;
  });

  private HostileClients() {}

  // ---- WebSocket attacks --------------------------------------------------------------------

  /** A raw WebSocket connection that has said hello and then does only what the test says. */
  /** Tokens of relays that have one, by port: the attacks on them come from a client that holds it. */
  private static final Map<Integer, String> TOKENS = new ConcurrentHashMap<>();

  /** Attacks on the relay at {@code port} carry {@code token}, as a client allowed in would. */
  public static void token(int port, String token) {
    TOKENS.put(port, token);
  }

  private static String authorization(int port) {
    String token = TOKENS.get(port);
    return token == null ? "" : "Authorization: Bearer " + token + "\r\n";
  }

  public static final class RawWs implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

    /** @param receiveBuffer a small receive buffer makes a reader that stalls at once; 0 for the default */
    public RawWs(int port, int receiveBuffer) throws IOException {
      socket = new Socket();
      if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
      out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n" + authorization(port) + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String head = readHead(in);
      if (!head.startsWith("HTTP/1.1 101")) throw new IOException("no upgrade: " + head);
      out.write(frame(0x81, ("{\"op\":\"hello\",\"origin\":{\"id\":\"hostile-" + System.nanoTime()
          + "\"},\"types\":null}").getBytes(StandardCharsets.UTF_8)));
    }

    /** The close code of the next close frame, skipping other frames; -1 if the socket ends first. */
    public int closeCode() throws IOException {
      for (Frame f; (f = readFrame()) != null; ) if (f.opcode() == 8) return f.closeCode();
      return -1;
    }

    /** The text of the next text frame, skipping others; null if the socket ends first. */
    public String nextText() throws IOException {
      for (Frame f; (f = readFrame()) != null; ) if (f.opcode() == 1) return f.text();
      return null;
    }

    /**
     * Reads every frame from now on into a queue, on a thread of its own, so that a close frame is
     * taken in before the socket is reset; {@link #next} takes them.
     */
    public void listen() {
      Thread reader = new Thread(() -> {
        try {
          for (Frame f; (f = readFrame()) != null; ) frames.add(f);
        } catch (IOException e) {
          // reset or closed: the end
        } finally {
          frames.add(END);
        }
      }, "hostile-ws-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next frame {@link #listen} read that is not a text frame without {@code text}; null at the end. */
    public Frame next(String text, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (true) {
        Frame f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (f == null) throw new AssertionError("no frame within " + seconds + " s");
        if (f == END) return null;
        if (f.opcode() != 1 || f.text().contains(text)) return f;
      }
    }

    /** Whether {@link #listen} has read a close frame by now. */
    public boolean closedByRelay() {
      return frames.stream().anyMatch(f -> f.opcode() == 8);
    }

    private Frame readFrame() throws IOException {
      int b0 = in.read();
      int b1 = in.read();
      if (b0 < 0 || b1 < 0) return null;
      long length = b1 & 0x7f;
      if (length == 126) length = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
      else if (length == 127) length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
      return new Frame(b0 & 0x0f, in.readNBytes((int) length));
    }

    public void send(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A frame from the relay. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    public int closeCode() {
      return payload.length >= 2 ? ByteBuffer.wrap(payload).getShort() & 0xffff : 1005;
    }
  }

  private static final Frame END = new Frame(-1, new byte[0]);

  /** A masked client frame: {@code first} is FIN and opcode, as on the wire. */
  public static byte[] frame(int first, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
    b.put((byte) first);
    header(b, payload.length);
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    b.put(mask);
    for (int i = 0; i < payload.length; i++) b.put((byte) (payload[i] ^ mask[i % 4]));
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  private static void header(ByteBuffer b, long length) {
    if (length < 126) b.put((byte) (0x80 | length));
    else if (length < 65536) b.put((byte) (0x80 | 126)).putShort((short) length);
    else b.put((byte) (0x80 | 127)).putLong(length);
  }

  /**
   * Pings as fast as the relay reads them, on a connection that never reads: up to {@code pings}
   * or {@code seconds}, whichever ends first. Returns the connection, still open.
   */
  public static RawWs pingFlood(int port, int pings, int seconds) throws IOException {
    RawWs ws = new RawWs(port, 4096);
    byte[] one = frame(0x89, "p".repeat(125).getBytes(StandardCharsets.US_ASCII));
    int perWrite = 1000;
    byte[] many = new byte[one.length * perWrite];
    for (int i = 0; i < perWrite; i++) System.arraycopy(one, 0, many, i * one.length, one.length);
    bounded(ws.socket, seconds, () -> {
      for (int sent = 0; sent < pings; sent += perWrite) ws.out.write(many);
    });
    return ws;
  }

  /**
   * A connection that says hello, then asks for the client list {@code asks} times, 100 asks a
   * frame, and never reads; the writes end after {@code seconds} at most.
   */
  public static RawWs clientsFlood(int port, int asks, int seconds) throws IOException {
    RawWs ws = new RawWs(port, 4096);
    byte[] hundred = frame(0x81, String.join("\n", Collections.nCopies(100, "{\"op\":\"clients\"}"))
        .getBytes(StandardCharsets.US_ASCII));
    bounded(ws.socket, seconds, () -> {
      for (int sent = 0; sent < asks; sent += 100) ws.out.write(hundred);
    });
    return ws;
  }

  /**
   * Connections that each say hello and then send the 15 bytes that start a text frame declaring
   * {@link #DECLARED_FRAME} bytes, and nothing more. Returns them, open.
   */
  public static List<RawWs> declaredFrames(int port, int connections) throws IOException {
    List<RawWs> all = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      RawWs ws = new RawWs(port, 0);
      ByteBuffer start = ByteBuffer.allocate(15).put((byte) 0x81);
      header(start, DECLARED_FRAME);
      start.putInt(0).put((byte) '{'); // mask 0: the byte goes as it is
      ws.send(start.array());
      all.add(ws);
    }
    return all;
  }

  /** The size of the emit {@link #emitStart} begins: a body just under the default max-event-size. */
  public static final int EMIT_FRAME = 1_000_000;

  /**
   * The first {@code sent} bytes of an {@link #EMIT_FRAME}-byte emit whose body is padding, as a
   * frame header and payload; {@link #emitRest} is the rest of it.
   */
  public static byte[] emitStart(int sent) {
    ByteBuffer b = ByteBuffer.allocate(14 + sent).put((byte) 0x81);
    header(b, EMIT_FRAME);
    b.putInt(0);
    b.put(bigEmit(), 0, sent);
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  public static byte[] emitRest(int sent) {
    byte[] all = bigEmit();
    return java.util.Arrays.copyOfRange(all, sent, all.length);
  }

  private static byte[] bigEmit() {
    String head = "{\"op\":\"emit\",\"seq\":1,\"type\":\"big\",\"body\":\"";
    String tail = "\"}";
    return (head + "x".repeat(EMIT_FRAME - head.length() - tail.length()) + tail)
        .getBytes(StandardCharsets.US_ASCII);
  }

  // ---- HTTP attacks -------------------------------------------------------------------------

  /**
   * SSE subscribers that resume from id 0 (the whole history) and never read past the status line;
   * returns them with the status each got.
   */
  public static List<Socket> stalledReplays(int port, int count, List<Integer> statuses) throws IOException {
    List<Socket> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket s = new Socket();
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET /events?lastEventId=0 HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\n" + authorization(port) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      statuses.add(status(s.getInputStream()));
      all.add(s);
    }
    return all;
  }

  /** Posts {@code events} events of {@code bytes} bytes each, 10 to a request, of type {@code type}. */
  public static void fillHistory(String base, String type, int events, int bytes) throws Exception {
    String pad = "h".repeat(bytes - 40);
    for (int n = 0; n < events; ) {
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < 10 && n < events; i++, n++) {
        batch.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type).append("\",\"p\":\"")
            .append(pad).append("\"}");
      }
      HttpResponse<String> r = post(base + "/events", "application/json", batch.append("]").toString());
      if (r.statusCode() != 202) throw new AssertionError("filling the history: " + r.statusCode() + " " + r.body());
    }
  }

  /** A body of at most {@code bytes} bytes: a JSON array of zeros, the most events per byte. */
  public static String zeros(int bytes) {
    int events = (bytes - 1) / 2;
    StringBuilder b = new StringBuilder(bytes).append('[');
    for (int i = 1; i < events; i++) b.append("0,");
    return b.append("0]").toString();
  }

  public static HttpResponse<String> post(String url, String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    String token = TOKENS.get(URI.create(url).getPort());
    if (token != null) request.header("Authorization", "Bearer " + token);
    return TestClients.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends the head of a request a byte at a time, one every {@code pauseMillis}, for at most
   * {@code seconds}; returns the seconds until the relay closed the connection, or -1 if it did not.
   */
  public static double trickleHeaders(int port, int pauseMillis, int seconds) throws Exception {
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(pauseMillis);
      OutputStream out = s.getOutputStream();
      byte[] head = ("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Slow: " + "s".repeat(10_000))
          .getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < head.length && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds); i++) {
        try {
          out.write(head[i]);
          out.flush();
        } catch (IOException e) {
          return elapsed(start);
        }
        try {
          if (s.getInputStream().read() < 0) return elapsed(start); // also paces the trickle
        } catch (SocketTimeoutException e) {
          // nothing from the relay: the next byte
        } catch (IOException e) {
          return elapsed(start);
        }
      }
      return -1;
    }
  }

  private static double elapsed(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  // ---- What the suites measure --------------------------------------------------------------

  /** Asks {@code /health} and returns how long the answer took; fails unless it is 200. */
  public static Duration health(int port) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r = TestClients.HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new AssertionError("/health answered " + r.statusCode());
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * Asks {@code /health} every 100 ms from its own thread while an attack runs; {@link #close}
   * stops it, and {@link #worstMillis} is the slowest answer (a failure counts as an hour).
   */
  public static final class HealthProbe implements AutoCloseable {
    private final AtomicLong worst = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    public HealthProbe(int port) {
      timer.scheduleWithFixedDelay(() -> {
        long millis;
        try {
          millis = health(port).toMillis();
        } catch (Exception | AssertionError e) {
          millis = TimeUnit.HOURS.toMillis(1);
        }
        worst.accumulateAndGet(millis, Math::max);
      }, 0, 100, TimeUnit.MILLISECONDS);
    }

    public long worstMillis() {
      return worst.get();
    }

    @Override
    public void close() throws InterruptedException {
      timer.shutdownNow();
      timer.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** The resident set of process {@code pid}, in MiB (Linux). */
  public static long rssMiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024;
      }
    }
    throw new IOException("no VmRSS for " + pid);
  }

  /** Sockets in CLOSE_WAIT on local port {@code port}: the relay's ends that a peer closed and it did not. */
  public static int closeWait(int port) throws IOException {
    int count = 0;
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) continue;
      for (String line : Files.readAllLines(path)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("08")) count++;
      }
    }
    return count;
  }

  public static void closeAll(List<? extends AutoCloseable> sockets) throws Exception {
    for (AutoCloseable s : sockets) s.close();
  }

  // ---- Plumbing -----------------------------------------------------------------------------

  private interface Attack {
    void run() throws IOException;
  }

  // Runs an attack that writes to `socket`; past `seconds` the socket is closed, which ends a
  // write that blocks because the relay stopped reading.
  private static void bounded(Socket socket, int seconds, Attack attack) throws IOException {
    ScheduledFuture<?> stop = WATCHDOG.schedule(() -> {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closed already
      }
    }, seconds, TimeUnit.SECONDS);
    try {
      attack.run();
    } catch (IOException e) {
      // the watchdog ended it, or the relay closed the connection
    } finally {
      stop.cancel(false);
    }
  }

  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("closed after " + head);
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static int status(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) >= 0 && b != '\n'; ) line.append((char) b);
    return line.length() >= 12 ? Integer.parseInt(line.substring(9, 12)) : -1;
  }
}
