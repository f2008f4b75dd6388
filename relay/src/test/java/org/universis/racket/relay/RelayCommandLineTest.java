package org.universis.racket.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.relay.internal.Log;

class RelayCommandLineTest {

  @AfterEach
  void resetLogLevel() {
    Log.setDefaultLevel(Log.Level.WARN); // what this test JVM, a library user, starts with
  }

  @Test
  void defaultsAreThoseDocumented() {
    RelayConfig c = RelayCommandLine.parse(new String[0], Map.of());
    assertEquals("127.0.0.1", c.host());
    assertEquals(14440, c.port());
    assertNull(c.token());
    assertEquals(1 << 20, c.maxEventSize());
    assertEquals(10_000, c.historySize());
    assertEquals(32L << 20, c.historyBytes());
    assertEquals(10_000, c.queueSize());
    assertEquals(16L << 20, c.queueBytes());
    assertEquals(RelayConfig.Overflow.DROP_OLDEST, c.overflow());
    assertEquals(1024, c.maxConnections());
    assertEquals(15, c.heartbeatSeconds());
    assertEquals(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2)), c.ioThreads());
    assertEquals(3, RelayCommandLine.parse(new String[] {"--io-threads", "3"}, Map.of()).ioThreads());
  }

  @Test
  void theBoundsOnMisbehavingClientsHaveTheirDocumentedDefaultsAndOptions() {
    assertEquals(new RelayConfig.Bounds(10_000, 32L << 20, 30, 1024),
        RelayCommandLine.parse(new String[0], Map.of()).bounds());
    RelayConfig c = RelayCommandLine.parse(new String[] {"--max-batch", "5", "--read-timeout=3"},
        Map.of("RACKET_MAX_HELD_BYTES", "2m", "RACKET_MAX_CONNECTIONS_PER_PEER", "8"));
    assertEquals(new RelayConfig.Bounds(5, 2L << 20, 3, 8), c.bounds());
    String help = RelayCommandLine.help();
    for (String option : new String[] {"max-batch", "max-held-bytes", "read-timeout", "max-connections-per-peer"}) {
      assertTrue(help.contains("  --" + option + " "), option);
    }
    assertTrue(assertThrows(RelayCommandLine.UsageException.class,
        () -> RelayCommandLine.parse(new String[] {"--read-timeout", "0"}, Map.of())).getMessage()
        .contains("read-timeout must be at least 1"));
  }

  @Test
  void theCommandLineWinsOverTheEnvironment() {
    RelayConfig c = RelayCommandLine.parse(new String[] {"--port", "0", "--queue-size=50", "--overflow", "disconnect"},
        Map.of("RACKET_PORT", "9999", "RACKET_QUEUE_SIZE", "7", "RACKET_MAX_EVENT_SIZE", "64k",
            "RACKET_HISTORY_BYTES", "2m", "RACKET_TOKEN", "t"));
    assertEquals(0, c.port());
    assertEquals(50, c.queueSize());
    assertEquals(RelayConfig.Overflow.DISCONNECT, c.overflow());
    assertEquals(64 * 1024, c.maxEventSize());
    assertEquals(2L << 20, c.historyBytes());
    assertEquals("t", c.token());
  }

  @Test
  void helpIsAskedForWithNullAndListsEveryOption() {
    assertNull(RelayCommandLine.parse(new String[] {"--port", "1", "--help"}, Map.of()));
    String help = RelayCommandLine.help();
    for (String option : new String[] {"host", "port", "token", "token-file", "max-event-size", "history-size",
        "history-bytes", "queue-size", "queue-bytes", "overflow", "max-connections", "heartbeat", "io-threads", "log-level"}) {
      assertTrue(help.contains("  --" + option + " "), option);
      assertTrue(help.contains("RACKET_" + option.replace('-', '_').toUpperCase()), option);
    }
  }

  @Test
  void badOptionsAreRefusedWithAMessageNamingThem() {
    assertUsage("unknown option --prot", "--prot", "1");
    assertUsage("port must be an integer", "--port", "x");
    assertUsage("port must be 0..65535", "--port", "70000");
    assertUsage("needs a value", "--port");
    assertUsage("overflow must be drop-oldest or disconnect", "--overflow", "block");
    assertUsage("queue-size must be at least 1", "--queue-size", "0");
    assertUsage("max-event-size must be a size", "--max-event-size", "lots");
    assertUsage("log level 'loud' is not one of", "--log-level", "loud");
    assertUsage("io-threads must be at least 1", "--io-threads", "0");
    assertUsage("io-threads must be at most 64", "--io-threads", "65");
    assertUsage("history-bytes must be at most 1g", "--history-bytes", "2g");
    assertUsage("unexpected argument", "serve");
  }

  @Test
  void aNonLoopbackHostWithoutATokenIsRefusedWithTheReason() {
    RelayCommandLine.UsageException e = assertThrows(RelayCommandLine.UsageException.class,
        () -> RelayCommandLine.parse(new String[] {"--host", "0.0.0.0"}, Map.of()));
    assertTrue(e.getMessage().contains("without a token"), e.getMessage());
    assertTrue(e.getMessage().contains("--token"), e.getMessage());
    assertEquals("0.0.0.0", RelayCommandLine.parse(new String[] {"--host", "0.0.0.0", "--token", "x"}, Map.of()).host());
    assertEquals("localhost", RelayCommandLine.parse(new String[] {"--host", "localhost"}, Map.of()).host());
    assertEquals("::1", RelayCommandLine.parse(new String[] {"--host", "::1"}, Map.of()).host());
  }

  @Test
  void theTokenComesFromAFileOnceAndOnTheCommandLineWithAWarning(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "fr0m-a-file\n");
    assertEquals("fr0m-a-file", RelayCommandLine.parse(new String[] {"--token-file", file.toString()}, Map.of()).token());
    assertEquals("fr0m-a-file", RelayCommandLine.parse(new String[0], Map.of("RACKET_TOKEN_FILE", file.toString())).token());
    assertUsage("not both", "--token", "x", "--token-file", file.toString());
    assertUsage("token-file", "--token-file", dir.resolve("absent").toString());

    PrintStream realErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      RelayCommandLine.parse(new String[0], Map.of("RACKET_TOKEN", "x"));
      RelayCommandLine.parse(new String[] {"--token-file", file.toString()}, Map.of());
      assertEquals("", err.toString(StandardCharsets.UTF_8), "no warning without --token");
      RelayCommandLine.parse(new String[] {"--token", "x"}, Map.of());
    } finally {
      System.setErr(realErr);
    }
    String warning = err.toString(StandardCharsets.UTF_8);
    assertTrue(warning.contains("/cmdline") && warning.contains("--token-file")
        && warning.contains("RACKET_TOKEN_FILE"), warning);
  }

  private static void assertUsage(String says, String... args) {
    RelayCommandLine.UsageException e = assertThrows(RelayCommandLine.UsageException.class,
        () -> RelayCommandLine.parse(args, Map.of()));
    assertTrue(e.getMessage().contains(says), "'" + e.getMessage() + "' says " + says);
  }

  @Test
  void allowedOriginsAndHostsAreListsCheckedAtStart() {
    RelayConfig c = RelayCommandLine.parse(new String[] {"--allow-host", "Relay.Example.com, ::1"},
        Map.of("RACKET_ALLOW_ORIGIN", "https://Ops.example.com, http://localhost:8080"));
    assertEquals(java.util.List.of("https://ops.example.com:443", "http://localhost:8080"), c.allowOrigins());
    assertEquals(java.util.List.of("relay.example.com", "[::1]"), c.allowHosts());
    for (String bad : new String[] {"*", "https://ops.example.com/path", "ops.example.com", "null"}) {
      RelayCommandLine.UsageException e = assertThrows(RelayCommandLine.UsageException.class,
          () -> RelayCommandLine.parse(new String[] {"--allow-origin", bad}, Map.of()));
      assertTrue(e.getMessage().startsWith("allow-origin '" + bad + "' must be an origin like"), e.getMessage());
    }
    RelayCommandLine.UsageException port = assertThrows(RelayCommandLine.UsageException.class,
        () -> RelayCommandLine.parse(new String[] {"--allow-host", "relay.example.com:8443"}, Map.of()));
    assertTrue(port.getMessage().contains("without a port"), port.getMessage());
  }

  @Test
  void tlsNeedsBothFiles() {
    RelayCommandLine.UsageException e = assertThrows(RelayCommandLine.UsageException.class,
        () -> RelayCommandLine.parse(new String[0], Map.of("RACKET_TLS_KEY", "/some/key.pem")));
    assertEquals("tls-cert and tls-key go together: set tls-cert as well", e.getMessage());
  }

  @Test
  void theOptionAndItsEnvironmentVariableNameTheBackplane() {
    assertNull(RelayCommandLine.parse(new String[0], Map.of()).backplane());
    RelayConfig c = RelayCommandLine.parse(new String[] {"--backplane", "redis://u:s3cret@127.0.0.1:6390/2"}, Map.of());
    assertEquals("redis://u:s3cret@127.0.0.1:6390/2", c.backplane());
    assertEquals(10_000, c.backplaneHold());
    assertEquals("rediss://redis.example.com:6380", RelayCommandLine.parse(new String[0],
        Map.of("RACKET_BACKPLANE", "rediss://redis.example.com:6380", "RACKET_BACKPLANE_HOLD", "5")).backplane());
    assertTrue(RelayCommandLine.help().contains("--backplane"));
  }

  @Test
  void anUnknownSchemeOrNoUriIsRefusedByTheCommandLine() {
    String message = assertThrows(RelayCommandLine.UsageException.class, () -> RelayCommandLine.parse(
        new String[] {"--backplane", "nats://127.0.0.1:4222"}, Map.of())).getMessage();
    assertTrue(message.contains("redis://"), message);
    assertThrows(RelayCommandLine.UsageException.class, () -> RelayCommandLine.parse(
        new String[] {"--backplane", "127.0.0.1:6379"}, Map.of()));
  }
}
