package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.server.Await;
import org.universis.racket.relay.internal.server.RelayProcess;

/**
 * What a JVM emitted just before it ended reaches the others, and a failure nobody watched is
 * logged: child JVMs, each its own process.
 */
class LastWordsIT {

  private static final int EVENTS = 30_000;
  private static final Pattern DONE =
      Pattern.compile("DONE handled=(\\d+) outOfOrder=(\\d+) resyncs=(\\d+) heapMaxMiB=(\\d+)");

  @Test
  void aHostThatEmitsWithoutWaitingAndReturnsFromMainDeliversEveryEventToEveryListener()
      throws Exception {
    String url = "http://127.0.0.1:" + RelayProcess.freePort();
    List<ChildJvm> children = new ArrayList<>();
    try {
      ChildJvm host = ChildJvm.start("host", System.getProperty("java.class.path"),
          List.of("-Dracket.mode=relay", "-Xmx256m"), LastWordsChild.class.getName(), url,
          String.valueOf(EVENTS));
      children.add(host);
      List<ChildJvm> listeners = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        ChildJvm listener = ChildJvm.start("listener-" + i, System.getProperty("java.class.path"),
            List.of("-Dracket.mode=client", "-Xmx128m"), CountingSubscriberChild.class.getName(), url,
            "0");
        children.add(listener);
        listeners.add(listener);
        listener.send("ready");
      }
      // A listener is READY once the relay (hosted by then) took its emit: it is subscribed there.
      for (ChildJvm listener : listeners) listener.await("READY"::equals, 60, "READY");
      host.send("go");
      assertEquals(0, host.awaitExit(60), "the host's exit code");
      for (ChildJvm listener : listeners) {
        listener.send("await " + (EVENTS + 1));
        listener.await(("HANDLED " + (EVENTS + 1))::equals, 30, "every event, the last one too");
        listener.send("quit");
        Matcher done = DONE.matcher(listener.await(l -> DONE.matcher(l).matches(), 60, "DONE"));
        assertTrue(done.matches());
        assertEquals(String.valueOf(EVENTS + 1), done.group(1), listener + ": events handled");
        assertEquals("0", done.group(2), listener + ": events out of order or twice");
        assertEquals("0", done.group(3), listener + ": resync notices");
      }
    } finally {
      for (ChildJvm child : children) child.close();
    }
  }

  @Test
  void aHandlerOnTheReaderThatEmitsThenExitsDeliversWhatItEmittedWithoutWaitingOutTheTimeout()
      throws Exception {
    try (RelayProcess relay = RelayProcess.start(List.of("-XX:TieredStopAtLevel=1"));
        ProcessEventEmitter test = new ProcessEventEmitter(RacketOptions.builder()
            .url("http://127.0.0.1:" + relay.port()).mode(RacketOptions.Mode.CLIENT).build());
        // An emit-timeout longer than the wait for the exit below: a hook that waited it out fails.
        ChildJvm child = ChildJvm.start("exit-in-handler", System.getProperty("java.class.path"),
            List.of("-Dracket.mode=client", "-Dracket.emit-timeout=120s", "-Xmx64m"),
            ExitInHandlerChild.class.getName(), "http://127.0.0.1:" + relay.port(), "100")) {
      List<ProcessEvent> got = new CopyOnWriteArrayList<>();
      test.subscribe("burst.event", got::add);
      test.emit("test.ready", 0).get(60, TimeUnit.SECONDS); // subscribed at the relay
      child.await("READY"::equals, 60, "READY");
      test.emit("quit", 0).get(60, TimeUnit.SECONDS);
      String handler = child.await(l -> l.startsWith("HANDLER "), 60, "the handler's thread");
      assertTrue(handler.startsWith("HANDLER racket-ws-"), "the handler ran on the reader: " + handler);
      // The reader is held by System.exit: the acks come through the thread that read on. Sooner
      // than 20 s: by then the connection check would give up on the silent link and reconnect.
      assertEquals(0, child.awaitExit(15), "the exit code");
      assertTrue(child.matching(l -> l.contains("lost the racket relay")).isEmpty(), "no reconnect");
      Await.until(() -> got.size() == 100, 30, () -> got.size() + " of 100 events");
      assertTrue(child.matching(l -> l.contains("gave up on")).isEmpty(), "it gave up on none");
    }
  }

  @Test
  void aJvmThatExitsBeforeItsRelayAcceptedItsEmitsSaysHowManyItGaveUpOn() throws Exception {
    try (RelayProcess relay = RelayProcess.start(List.of("-XX:TieredStopAtLevel=1"));
        ChildJvm child = ChildJvm.start("exiting", System.getProperty("java.class.path"),
            List.of("-Dracket.mode=client", "-Dracket.emit-timeout=2s", "-Xmx64m"),
            LastWordsChild.class.getName(), "http://127.0.0.1:" + relay.port(), "3", "ready")) {
      child.await("READY"::equals, 60, "READY");
      signal("STOP", relay); // the relay takes nothing more, yet keeps the connection open
      try {
        child.send("go");
        assertEquals(0, child.awaitExit(30), "the exit code");
      } finally {
        signal("CONT", relay);
      }
      // Its output may still be on the way after the exit: wait for the line.
      String gaveUp = child.await(l -> l.contains("gave up on"), 30, "the line on what it gave up");
      assertTrue(gaveUp.contains("gave up on 4 emits that the relay at http://127.0.0.1:"
          + relay.port() + " had not accepted within the emit-timeout of 2000 ms"), gaveUp);
    }
  }

  private static void signal(String signal, RelayProcess relay) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(relay.pid())).inheritIO().start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
  }

  @Test
  void emitsThatFailWithNobodyWatchingAreLoggedAsOneLineWithTheirCountAndReason() throws Exception {
    String nowhere = "http://127.0.0.1:" + RelayProcess.freePort();
    try (ChildJvm child = ChildJvm.start("unobserved", System.getProperty("java.class.path"),
        List.of("-Dracket.mode=client", "-Dracket.emit-timeout=1s", "-Xmx64m"),
        UnobservedFailureChild.class.getName(), nowhere, "20")) {
      child.await("FAILED"::equals, 30, "the observed emit's failure");
      String line = child.await(l -> l.contains("failed with no callback or waiter"), 30,
          "the line about the unobserved failures");
      assertTrue(line.contains(" WARN racket ") && line.contains("20 emits to " + nowhere)
          && line.contains("no racket relay took this emit within the emit-timeout"), line);
      child.send("");
      assertEquals(0, child.awaitExit(30), "the exit code");
      assertEquals(1, child.matching(l -> l.contains("failed with no callback or waiter")).size(),
          "one line for the 20 failures");
    }
  }
}
