package org.universis.racket.agent.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.OnProcessEvent;
import org.universis.racket.ProcessEvent;

/**
 * A child-JVM application run with the agent, whose hosted relay joins a backplane. It prints what
 * of the backplane's libraries it can see ({@code sees none} when the agent hides them all), then
 * {@code READY} once its {@code bp.ready} was acknowledged; each {@code emit N} line on stdin emits
 * {@code bp.n} and prints {@code acked N <id>}; every {@code bp.n} it hears from either host it
 * prints as {@code heard <id> <app>:<n>}. Main returns when stdin closes.
 */
public final class BackplanePeer {

  /** Classes the agent's backplane runs on (Lettuce, Netty, Reactor, SLF4J, racket's own): all hidden. */
  public static final List<String> HIDDEN = List.of("io.lettuce.core.RedisClient", "io.netty.channel.Channel",
      "reactor.core.publisher.Mono", "org.slf4j.LoggerFactory",
      "org.universis.racket.backplane.redis.RedisBackplaneProvider");

  private static String name;

  @OnProcessEvent("bp.n")
  static void onN(ProcessEvent event) {
    Map<?, ?> body = (Map<?, ?>) event.body();
    System.out.println("heard " + event.id() + " " + body.get("app") + ":" + body.get("n"));
  }

  public static void main(String[] args) throws Exception {
    name = args[0];
    System.out.println("sees " + visible());
    long id = InterProcessEventEmitter.emit("bp.ready", Map.of("app", name)).get(60, TimeUnit.SECONDS);
    System.out.println("READY " + id);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null; ) {
      if (!line.startsWith("emit ")) continue;
      int n = Integer.parseInt(line.substring(5));
      long acked = InterProcessEventEmitter.emit("bp.n", Map.of("app", name, "n", n)).get(30, TimeUnit.SECONDS);
      System.out.println("acked " + n + " " + acked);
    }
    System.out.println("main returns");
  }

  private static String visible() {
    ClassLoader app = BackplanePeer.class.getClassLoader();
    StringBuilder seen = new StringBuilder();
    for (String c : HIDDEN) {
      try {
        Class.forName(c, false, app);
        seen.append(c).append(' ');
      } catch (ClassNotFoundException hidden) {
        // as it must be
      }
    }
    if (app.getResource("META-INF/services/org.universis.racket.spi.Backplane$Provider") != null) {
      seen.append("the Backplane$Provider service file");
    }
    return seen.length() == 0 ? "none" : seen.toString().trim();
  }
}
