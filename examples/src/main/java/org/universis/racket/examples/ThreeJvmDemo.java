package org.universis.racket.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;

/**
 * Three JVMs exchange events through a relay, print them, and end by themselves. This JVM hosts the
 * relay on a free port ({@code mode=relay}) and starts three {@link DemoPeer} JVMs with its own
 * class path; every peer greets the others and prints what arrives, in the same order everywhere.
 */
public final class ThreeJvmDemo {

  private static final List<String> NAMES = List.of("alice", "bob", "carol");

  public static void main(String[] args) throws Exception {
    String url = "http://127.0.0.1:" + freePort();
    RacketOptions hostOptions = RacketOptions.builder().url(url).mode(RacketOptions.Mode.RELAY).build();
    try (ProcessEventEmitter host = new ProcessEventEmitter(hostOptions)) {
      host.emit("demo.started", Map.of("peers", NAMES)).get(30, TimeUnit.SECONDS);
      System.out.println("relay listening at " + url + "; starting " + NAMES);
      CountDownLatch ready = new CountDownLatch(NAMES.size());
      Map<String, String> orders = new LinkedHashMap<>();
      List<Process> peers = new ArrayList<>();
      List<Thread> readers = new ArrayList<>();
      try {
        for (String name : NAMES) {
          Process p = startPeer(url, name);
          peers.add(p);
          readers.add(echo(name, p, ready, orders));
        }
        if (!ready.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("peers not ready");
        for (Process p : peers) {
          PrintWriter stdin = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
          stdin.println("GO");
        }
        boolean ok = true;
        for (Process p : peers) ok &= p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        for (Thread t : readers) t.join(5_000);
        boolean sameOrder = orders.size() == NAMES.size() && orders.values().stream().distinct().count() == 1;
        System.out.println(ok && sameOrder
            ? "all " + NAMES.size() + " JVMs received all " + NAMES.size() * DemoPeer.GREETINGS
                + " greetings in the same order"
            : "demo FAILED: " + orders);
        if (!(ok && sameOrder)) System.exit(1);
      } finally {
        for (Process p : peers) p.destroyForcibly();
      }
    }
  }

  private static Process startPeer(String url, String name) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dracket.mode=client", "-Dracket.name=" + name, DemoPeer.class.getName(), url, name,
        String.valueOf(NAMES.size()))
        .redirectErrorStream(true).start();
  }

  // Prints a peer's output with its name in front, and notes READY and the order it saw.
  private static Thread echo(String name, Process p, CountDownLatch ready, Map<String, String> orders) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.equals("READY")) ready.countDown();
          if (line.startsWith("ORDER ")) {
            synchronized (orders) {
              orders.put(name, line.substring(6));
            }
          }
          System.out.printf("%-6s| %s%n", name, line);
        }
      } catch (IOException e) {
        System.out.printf("%-6s| (output ended: %s)%n", name, e.getMessage());
      }
    }, "demo-echo-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
