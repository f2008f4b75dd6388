package org.universis.racket.relay;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.Log;

/**
 * The relay's options: each from the command line ({@code --port 0} or {@code --port=0}), else
 * its {@code RACKET_*} environment variable, else its default.
 */
final class RelayCommandLine {

  /** A bad command line; the message is the one line to print. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  private record Option(String name, String defaultValue, String help,
      BiConsumer<RelayConfig.Builder, String> apply) {
    String env() {
      return "RACKET_" + name.replace('-', '_').toUpperCase(Locale.ROOT);
    }
  }

  private static final List<Option> OPTIONS = List.of(
      new Option("host", "127.0.0.1", "address to bind; anything but loopback needs a token",
          RelayConfig.Builder::host),
      new Option("port", "14440", "port to listen on; 0 picks a free one (printed at start)",
          (b, v) -> b.port(integer("port", v))),
      new Option("allow-origin", "", "origins whose web pages may use /ws, comma-separated"
          + " (https://ops.example.com); pages of any other origin are refused",
          (b, v) -> list(v).forEach(b::allowOrigin)),
      new Option("allow-host", "", "host names the relay answers for besides the bind address and"
          + " loopback names, comma-separated (against DNS rebinding)",
          (b, v) -> list(v).forEach(b::allowHost)),
      new Option("tls-cert", "", "PEM certificate chain: serve HTTPS (with tls-key)",
          (b, v) -> b.tlsCert(Path.of(v))),
      new Option("tls-key", "", "PEM private key of tls-cert (PKCS#8, RSA or EC)",
          (b, v) -> b.tlsKey(Path.of(v))),
      new Option("token", "", "bearer token every request must carry (GET /health excepted);"
          + " on the command line every local user can read it: prefer --token-file",
          RelayConfig.Builder::token),
      new Option("token-file", "", "a file whose first line is the token",
          (b, v) -> b.token(RacketOptions.readTokenFile(v))),
      new Option("max-event-size", "1m", "largest request body or WebSocket message, in bytes (k, m suffixes)",
          (b, v) -> b.maxEventSize((int) Math.min(Integer.MAX_VALUE, size("max-event-size", v)))),
      new Option("history-size", "10000", "events kept for replay (Last-Event-ID)",
          (b, v) -> b.historySize(integer("history-size", v))),
      new Option("history-bytes", "32m", "bytes of events kept for replay (at most 1g)",
          (b, v) -> b.historyBytes(size("history-bytes", v))),
      new Option("queue-size", "10000", "events that may wait for one subscriber",
          (b, v) -> b.queueSize(integer("queue-size", v))),
      new Option("queue-bytes", "16m", "bytes of events that may wait for one subscriber",
          (b, v) -> b.queueBytes(size("queue-bytes", v))),
      new Option("overflow", "drop-oldest", "past a subscriber's queue bound: drop-oldest (and send"
          + " it racket.resync) or disconnect", (b, v) -> b.overflow(overflow(v))),
      new Option("max-connections", "1024", "SSE and WebSocket connections at once; more get 503",
          (b, v) -> b.maxConnections(integer("max-connections", v))),
      new Option("heartbeat", "15", "seconds between heartbeats on an idle SSE stream; also the"
          + " time a WebSocket has to say hello",
          (b, v) -> b.heartbeatSeconds(integer("heartbeat", v))),
      new Option("max-batch", "10000", "events one POST body or NDJSON line may carry; more get 413",
          (b, v) -> b.maxBatch(integer("max-batch", v))),
      new Option("max-held-bytes", "32m", "bytes of unfinished WebSocket messages held for all"
          + " connections; one that would pass it is closed (1013)",
          (b, v) -> b.maxHeldBytes(size("max-held-bytes", v))),
      new Option("read-timeout", "30", "seconds a request's headers or JSON body may take, or an"
          + " NDJSON body may stay silent", (b, v) -> b.readTimeoutSeconds(integer("read-timeout", v))),
      new Option("max-connections-per-peer", "1024", "SSE and WebSocket connections one address"
          + " may hold; more get 503", (b, v) -> b.maxConnectionsPerPeer(integer("max-connections-per-peer", v))),
      new Option("backplane", "", "redis://[user:password@]host[:port][/db] or rediss://…: relays"
          + " sharing it act as one, one order and the same ids (README, \"Many hosts\")",
          RelayConfig.Builder::backplane),
      new Option("backplane-hold", "10000", "emits held while the backplane is unreachable; more"
          + " get 503 (a nack on /ws)", (b, v) -> b.backplaneHold(integer("backplane-hold", v))),
      new Option("io-threads", "half the cores, 1 to 4", "threads that read and write the sockets",
          (b, v) -> b.ioThreads(integer("io-threads", v))),
      new Option("log-level", "info", "trace, debug, info, warn, error or off (to stderr);"
          + " -Dracket.log wins", (b, v) -> Log.setDefaultLevel(Log.parseLevel(v))));

  private RelayCommandLine() {}

  /**
   * @return the configuration, or {@code null} when {@code --help} was asked for
   * @throws UsageException for an unknown or bad option
   */
  static RelayConfig parse(String[] args, Map<String, String> env) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) return null;
      if (!arg.startsWith("--")) throw new UsageException("unexpected argument '" + arg + "'; see --help");
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      if (find(name) == null) throw new UsageException("unknown option --" + name + "; see --help");
      if (eq >= 0) {
        given.put(name, arg.substring(eq + 1));
      } else if (i + 1 < args.length) {
        given.put(name, args[++i]);
      } else {
        throw new UsageException("option --" + name + " needs a value");
      }
    }
    if ((given.containsKey("token") || env.containsKey("RACKET_TOKEN"))
        && (given.containsKey("token-file") || env.containsKey("RACKET_TOKEN_FILE"))) {
      throw new UsageException("give the token once: --token (RACKET_TOKEN) or --token-file"
          + " (RACKET_TOKEN_FILE), not both");
    }
    if (given.containsKey("token")) {
      Log.warn("--token on the command line can be read by every local user (ps, /proc/"
          + ProcessHandle.current().pid() + "/cmdline); use --token-file or RACKET_TOKEN_FILE"
          + " (or RACKET_TOKEN) instead");
    }
    RelayConfig.Builder builder = RelayConfig.builder();
    for (Option option : OPTIONS) {
      String value = given.containsKey(option.name()) ? given.get(option.name()) : env.get(option.env());
      if (value == null) continue;
      try {
        option.apply().accept(builder, value.trim());
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  static String help() {
    StringBuilder out = new StringBuilder("Usage: java -jar racket-relay.jar [options]\n\n"
        + "The racket relay: receives events (POST /events, GET /ws) and sends each to every\n"
        + "subscriber whose filter matches (GET /events as Server-Sent Events, GET /ws).\n\n"
        + "Options: --name value or --name=value, else the environment variable, else the default.\n");
    for (Option o : OPTIONS) {
      out.append(String.format("  --%-17s %-24s default: %s%n      %s%n", o.name(), o.env(),
          o.defaultValue().isEmpty() ? "(none)" : o.defaultValue(), o.help()));
    }
    out.append("  --help              print this help\n");
    return out.toString();
  }

  private static Option find(String name) {
    for (Option o : OPTIONS) if (o.name().equals(name)) return o;
    return null;
  }

  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be an integer, not '" + value + "'");
    }
  }

  // Bytes, with an optional k, m or g suffix (binary: 1m = 1048576).
  static long size(String option, String value) {
    String v = value.toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
    long unit = 1;
    if (v.endsWith("k")) unit = 1L << 10;
    else if (v.endsWith("m")) unit = 1L << 20;
    else if (v.endsWith("g")) unit = 1L << 30;
    if (unit > 1) v = v.substring(0, v.length() - 1);
    try {
      return Math.multiplyExact(Long.parseLong(v.trim()), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(option + " must be a size in bytes like 1048576 or 1m,"
          + " not '" + value + "'");
    }
  }

  private static RelayConfig.Overflow overflow(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "drop-oldest", "drop_oldest" -> RelayConfig.Overflow.DROP_OLDEST;
      case "disconnect" -> RelayConfig.Overflow.DISCONNECT;
      default -> throw new IllegalArgumentException("overflow must be drop-oldest or disconnect,"
          + " not '" + value + "'");
    };
  }
}
