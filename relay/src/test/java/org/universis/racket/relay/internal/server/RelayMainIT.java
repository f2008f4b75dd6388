package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code java -jar racket-relay.jar}: help, option errors, start-up refusals. */
class RelayMainIT {

  private record Run(int exit, String out, String err) {}

  private static Run run(List<String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(RelayProcess.command(List.of("-Xmx64m"), args));
    ProcessBuilder pb = new ProcessBuilder(command);
    for (String kv : env) pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    Process p = pb.start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("relay did not exit: " + command);
      return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
          new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void helpPrintsEveryOptionWithItsDefaultAndVariable() throws Exception {
    Run r = run(List.of(), "--help");
    assertEquals(0, r.exit());
    for (String line : new String[] {"--host", "RACKET_HOST", "127.0.0.1", "--port", "14440", "--token",
        "--max-event-size", "1m", "--history-size", "--history-bytes", "--queue-size", "--queue-bytes",
        "--overflow", "drop-oldest", "--max-connections", "--heartbeat", "--log-level"}) {
      assertTrue(r.out().contains(line), line + " in " + r.out());
    }
  }

  @Test
  void aBadOptionIsOneLineOnStderrAndExitCode2() throws Exception {
    Run r = run(List.of(), "--queue-size", "many");
    assertEquals(2, r.exit());
    assertEquals("racket relay: queue-size must be an integer, not 'many'", r.err().strip());
  }

  @Test
  void bindingANonLoopbackAddressWithoutATokenIsRefusedWithTheReason() throws Exception {
    Run r = run(List.of("RACKET_HOST=0.0.0.0"));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("refusing to bind 0.0.0.0 without a token"), r.err());
  }

  @Test
  void aTakenPortIsExitCode1WithTheReason() throws Exception {
    try (RelayProcess first = RelayProcess.start(List.of("-Xmx64m"))) {
      Run r = run(List.of("RACKET_PORT=" + first.port), "--port", String.valueOf(first.port));
      assertEquals(1, r.exit());
      assertTrue(r.err().contains("cannot bind 127.0.0.1:" + first.port), r.err());
    }
  }

  /** What a relay started with these arguments wrote to stderr from start to stop. */
  private static String stderrOfARun(List<String> jvmArgs, String... args) throws Exception {
    List<String> jvm = new ArrayList<>(jvmArgs);
    jvm.add("-Xmx64m");
    RelayProcess relay = RelayProcess.start(jvm, args);
    relay.close();
    return String.join("\n", relay.stderr);
  }

  @Test
  void theStandaloneRelayLogsAtInfoUnlessItsLogLevelSaysOtherwise() throws Exception {
    String info = stderrOfARun(List.of());
    assertTrue(info.contains(" INFO racket [main] listening on http://127.0.0.1:"), info);
    String warn = stderrOfARun(List.of(), "--log-level", "warn");
    assertFalse(warn.contains(" INFO "), warn);
  }

  @Test
  void theRacketLogPropertyWinsOverTheLogLevelOption() throws Exception {
    String quiet = stderrOfARun(List.of("-Dracket.log=warn"), "--log-level", "debug");
    assertFalse(quiet.contains(" INFO ") || quiet.contains(" DEBUG "), quiet);
    String info = stderrOfARun(List.of("-Dracket.log=info"), "--log-level", "off");
    assertTrue(info.contains(" INFO racket [main] listening on "), info);
  }
}
