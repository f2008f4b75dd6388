package org.universis.racket;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How an emitter reaches its relay. Immutable; make one with {@link #builder()}, derive one with
 * {@link #newBuilder()}.
 *
 * <p>A new builder starts from the environment: each option {@code k} is read from the system
 * property {@code racket.k}, else from the environment variable {@code RACKET_K}, else from its
 * default ({@code RACKET_TLS_CA} for {@code tls-ca}). What the builder is then told wins.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>url</td><td>http://localhost:14440</td><td>the relay</td></tr>
 *   <tr><td>mode</td><td>auto</td><td>{@link Mode}</td></tr>
 *   <tr><td>name</td><td>none</td><td>this process's name, shown to others in {@link Origin#name()}</td></tr>
 *   <tr><td>token</td><td>none</td><td>the relay's token, required when the relay has one</td></tr>
 *   <tr><td>token-file</td><td>none</td><td>a file holding the token (a way to give it that other
 *       local users cannot read, as they can a command line); sets {@code token}</td></tr>
 *   <tr><td>buffer</td><td>10000</td><td>emits held while the relay is unreachable or has not acknowledged them</td></tr>
 *   <tr><td>emit-timeout</td><td>10s</td><td>how long {@code emit} waits for room in the buffer, and an emit
 *       waits for a relay, before it fails</td></tr>
 *   <tr><td>queue</td><td>100000</td><td>events queued for one subscription whose handler is busy</td></tr>
 *   <tr><td>queue-bytes</td><td>64m</td><td>bytes of events queued for all of one emitter's subscriptions</td></tr>
 *   <tr><td>tls-ca</td><td>none</td><td>a PEM file of certificates to trust for an {@code https} url,
 *       besides the JVM's default trust store</td></tr>
 * </table>
 */
public final class RacketOptions {

  /** The relay every emitter uses unless told otherwise. */
  public static final URI DEFAULT_URL = URI.create("http://localhost:14440");

  /** Who hosts the relay. */
  public enum Mode {
    /** Connect to the url; when nothing listens there and it is a loopback address, host the relay. */
    AUTO,
    /** Only connect; never host. */
    CLIENT,
    /** Host the relay in this process, then connect to it. */
    RELAY,
    /** Do nothing: the agent installs no emitter. */
    OFF
  }

  /** The option keys, as accepted by {@link Builder#set(String, String)}. */
  public static final java.util.List<String> KEYS =
      java.util.List.of("url", "mode", "name", "token", "token-file", "buffer", "emit-timeout",
          "queue", "queue-bytes", "tls-ca", "backplane");

  private final URI url;
  private final Mode mode;
  private final String name;
  private final String token;
  private final int buffer;
  private final Duration emitTimeout;
  private final int queue;
  private final Path tlsCa;
  private final long queueBytes;
  private final String backplane;

  private RacketOptions(Builder b) {
    this.url = b.url;
    this.mode = b.mode;
    this.name = b.name;
    this.token = b.token;
    this.buffer = b.buffer;
    this.emitTimeout = b.emitTimeout;
    this.queue = b.queue;
    this.tlsCa = b.tlsCa;
    this.queueBytes = b.queueBytes;
    this.backplane = b.backplane;
  }

  /** The options the environment gives (see the class comment). */
  public static RacketOptions defaults() {
    return builder().build();
  }

  /** A builder that starts from the environment (see the class comment). */
  public static Builder builder() {
    Builder b = new Builder();
    for (String key : KEYS) {
      String value = System.getProperty("racket." + key);
      String source = "system property racket." + key;
      String variable = "RACKET_" + key.replace('-', '_').toUpperCase(Locale.ROOT);
      if (value == null) {
        value = System.getenv(variable);
        source = "environment variable " + variable;
      }
      if (value != null) {
        try {
          b.set(key, value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
      }
    }
    return b;
  }

  /** A builder holding these options. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.url = url;
    b.mode = mode;
    b.name = name;
    b.token = token;
    b.buffer = buffer;
    b.emitTimeout = emitTimeout;
    b.queue = queue;
    b.tlsCa = tlsCa;
    b.queueBytes = queueBytes;
    b.backplane = backplane;
    return b;
  }

  public URI url() {
    return url;
  }

  public Mode mode() {
    return mode;
  }

  /** This process's name, or {@code null}. */
  public String name() {
    return name;
  }

  /** The relay's token, or {@code null}. */
  public String token() {
    return token;
  }

  public int buffer() {
    return buffer;
  }

  /**
   * How long {@code emit} waits for room in a full buffer, and how long an emit may wait for a
   * relay to take it, before its future fails.
   */
  public Duration emitTimeout() {
    return emitTimeout;
  }

  public int queue() {
    return queue;
  }

  /** Certificates to trust for an {@code https} url besides the JVM's default ones, or {@code null}. */
  public Path tlsCa() {
    return tlsCa;
  }

  /**
   * Reads a token from a file, as the {@code token-file} option does: its first line, trimmed.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no token
   */
  public static String readTokenFile(String path) {
    String text;
    try {
      text = Files.readString(Path.of(path.trim()),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException | java.io.UncheckedIOException | java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("token-file '" + path + "' cannot be read: " + e, e);
    }
    String token = text.lines().findFirst().orElse("").trim();
    if (token.isEmpty()) throw new IllegalArgumentException("token-file '" + path + "' holds no token");
    return token;
  }

  /** The most bytes of events queued for all of one emitter's subscriptions together. */
  public long queueBytes() {
    return queueBytes;
  }

  /**
   * The backplane a relay this JVM hosts joins ({@code redis://…}, README "Many hosts"), or
   * {@code null}; it may carry a password.
   */
  public String backplane() {
    return backplane;
  }

  /** Every option as text, keyed as {@link #KEYS}; absent ones are left out. */
  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("url", url.toString());
    map.put("mode", mode.name().toLowerCase(Locale.ROOT));
    if (name != null) map.put("name", name);
    if (token != null) map.put("token", token);
    map.put("buffer", Integer.toString(buffer));
    map.put("emit-timeout", emitTimeout.toMillis() + "ms");
    map.put("queue", Integer.toString(queue));
    if (tlsCa != null) map.put("tls-ca", tlsCa.toString());
    map.put("queue-bytes", Long.toString(queueBytes));
    if (backplane != null) map.put("backplane", backplane);
    return map;
  }

  @Override
  public String toString() {
    Map<String, String> map = toMap();
    map.computeIfPresent("token", (k, v) -> "***");
    map.computeIfPresent("backplane", (k, v) -> v.replaceFirst("//[^/@]*@", "//***@"));
    return "RacketOptions" + map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RacketOptions other && toMap().equals(other.toMap());
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  /** Builds {@link RacketOptions}; every setter checks its value and says what is wrong. */
  public static final class Builder {
    private URI url = DEFAULT_URL;
    private Mode mode = Mode.AUTO;
    private String name;
    private String token;
    private int buffer = 10_000;
    private Duration emitTimeout = Duration.ofSeconds(10);
    private int queue = 100_000;
    private long queueBytes = 64L << 20;
    private Path tlsCa;
    private String backplane;

    private Builder() {}

    /** The relay, {@code http://host:port}; a trailing slash is ignored. */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      URI uri;
      try {
        uri = URI.create(url.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("url '" + url + "' is not a URL: " + e.getMessage(), e);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "url '" + url + "' must look like http://host:port, for example " + DEFAULT_URL);
      }
      String path = uri.getPath() == null ? "" : uri.getPath();
      this.url = URI.create(uri.getScheme() + "://" + uri.getRawAuthority()
          + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
      return this;
    }

    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** This process's name, shown to others; {@code null} for none. */
    public Builder name(String name) {
      this.name = blankToNull(name);
      return this;
    }

    /** The relay's token; {@code null} for none. */
    public Builder token(String token) {
      String t = blankToNull(token);
      // It travels in an HTTP header: a line break or a control character would break the request.
      if (t != null && !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("token must be printable ASCII without spaces");
      }
      this.token = t;
      return this;
    }

    /** How many emits are held while the relay is unreachable or has not acknowledged them. */
    public Builder buffer(int buffer) {
      this.buffer = positive("buffer", buffer);
      return this;
    }

    /**
     * How long {@code emit} waits for room in a full buffer, and an emit for a relay to take it,
     * before it fails; zero never waits.
     */
    public Builder emitTimeout(Duration emitTimeout) {
      Objects.requireNonNull(emitTimeout, "emitTimeout");
      if (emitTimeout.isNegative()) {
        throw new IllegalArgumentException("emit-timeout must not be negative, not " + emitTimeout);
      }
      this.emitTimeout = emitTimeout;
      return this;
    }

    /** How many events may wait for one subscription's handler. */
    public Builder queue(int queue) {
      this.queue = positive("queue", queue);
      return this;
    }

    /** How many bytes of events may wait for all of one emitter's subscriptions together. */
    public Builder queueBytes(long queueBytes) {
      if (queueBytes < 1024) {
        throw new IllegalArgumentException("queue-bytes must be at least 1k, not " + queueBytes);
      }
      this.queueBytes = queueBytes;
      return this;
    }

    /**
     * A PEM file of certificates to trust for an {@code https} url besides the JVM's default trust
     * store (a private CA, or the relay's self-signed certificate); {@code null} for none.
     */
    public Builder tlsCa(Path pemFile) {
      if (pemFile != null && !Files.isReadable(pemFile)) {
        throw new IllegalArgumentException("tls-ca '" + pemFile + "' is not a readable file");
      }
      this.tlsCa = pemFile;
      return this;
    }

    /**
     * Makes a relay this JVM hosts ({@code auto} or {@code relay} mode) join the relays that share
     * this backplane, {@code redis://[user:password@]host[:port][/db]} or {@code rediss://…}; the
     * relay then needs racket-backplane-redis on the class path. Default none; blank for none.
     */
    public Builder backplane(String uri) {
      this.backplane = uri == null || uri.isBlank() ? null : uri.trim();
      return this;
    }

    /**
     * Sets one option from text, as agent arguments, system properties and environment variables
     * give it.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value; the message lists the
     *     valid keys or values
     */
    public Builder set(String key, String value) {
      Objects.requireNonNull(value, key);
      switch (key) {
        case "url" -> url(value);
        case "mode" -> mode(parseMode(value));
        case "name" -> name(value);
        case "token" -> token(value);
        case "token-file" -> token(readTokenFile(value));
        case "buffer" -> buffer(parseInt(key, value));
        case "emit-timeout" -> emitTimeout(parseDuration(key, value));
        case "queue" -> queue(parseInt(key, value));
        case "tls-ca" -> tlsCa(value.isBlank() ? null : Path.of(value.trim()));
        case "queue-bytes" -> queueBytes(parseSize(key, value));
        case "backplane" -> backplane(value);
        default -> throw new IllegalArgumentException(
            "unknown racket option '" + key + "'; valid options are " + String.join(", ", KEYS));
      }
      return this;
    }

    public RacketOptions build() {
      return new RacketOptions(this);
    }

    private static Mode parseMode(String value) {
      try {
        return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "mode '" + value + "' is not one of auto, client, relay, off", e);
      }
    }

    private static int parseInt(String key, String value) {
      try {
        return Integer.parseInt(value.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " '" + value + "' is not a whole number", e);
      }
    }

    // 10s, 500ms, 2m; a bare number is milliseconds.
    private static Duration parseDuration(String key, String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      int unit = v.endsWith("ms") ? 2 : v.endsWith("s") || v.endsWith("m") ? 1 : 0;
      try {
        long n = Long.parseLong(v.substring(0, v.length() - unit).trim().replace("_", ""));
        if (v.endsWith("ms") || unit == 0) return Duration.ofMillis(n);
        return v.endsWith("s") ? Duration.ofSeconds(n) : Duration.ofMinutes(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " '" + value
            + "' is not a duration such as 10s, 500ms or 2m", e);
      }
    }

    // Bytes, or with a k, m or g suffix (binary: 64m is 64 MiB).
    private static long parseSize(String key, String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      int shift = v.endsWith("k") ? 10 : v.endsWith("m") ? 20 : v.endsWith("g") ? 30 : 0;
      try {
        long n = Long.parseLong(v.substring(0, v.length() - (shift == 0 ? 0 : 1)).trim().replace("_", ""));
        if (n > Long.MAX_VALUE >> shift) throw new NumberFormatException("too large");
        return n << shift;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " '" + value
            + "' is not a size such as 65536, 512k or 64m", e);
      }
    }

    private static int positive(String key, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(key + " must be at least 1, not " + value);
      }
      return value;
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s.trim();
    }
  }
}
