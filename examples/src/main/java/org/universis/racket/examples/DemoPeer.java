package org.universis.racket.examples;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.universis.racket.ProcessEventEmitter;

/**
 * One of the {@link ThreeJvmDemo}'s JVMs: subscribes to {@code demo.>}, says READY once the relay
 * has its subscription, waits for GO on stdin, emits {@value #GREETINGS} greetings, prints every
 * greeting it receives, and ends once it has the greetings of all peers. Args: url, name, peers.
 */
public final class DemoPeer {

  static final int GREETINGS = 3;

  /** The body of a greeting: a record, decoded on arrival with {@code body(Greeting.class)}. */
  public record Greeting(String from, int n, String text) {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String name = args[1];
    int peers = Integer.parseInt(args[2]);
    CountDownLatch all = new CountDownLatch(peers * GREETINGS);
    List<Long> order = new CopyOnWriteArrayList<>();
    try (ProcessEventEmitter racket = new ProcessEventEmitter(url)) {
      racket.subscribe("demo.greeting", event -> {
        Greeting g = event.body(Greeting.class);
        order.add(event.id());
        System.out.println("#" + event.id() + " from " + g.from() + " (pid " + event.origin().pid()
            + "): " + g.text());
        all.countDown();
      });
      // The relay accepting this emit means it has this connection's subscription too.
      racket.emit("demo.ready", new Greeting(name, 0, "ready")).get(30, TimeUnit.SECONDS);
      System.out.println("READY");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"GO".equals(in.readLine())) return;
      for (int n = 1; n <= GREETINGS; n++) {
        racket.emit("demo.greeting", new Greeting(name, n, "hello " + n + "/" + GREETINGS + " from " + name));
      }
      if (!all.await(30, TimeUnit.SECONDS)) {
        System.out.println("FAILED: only " + order.size() + " greetings arrived");
        System.exit(1);
      }
      System.out.println("ORDER " + order);
    }
  }
}
