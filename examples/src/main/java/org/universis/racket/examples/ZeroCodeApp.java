package org.universis.racket.examples;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.OnProcessEvent;
import org.universis.racket.ProcessEvent;

/**
 * An application with no racket code but its handlers and one emit: the agent subscribes the
 * {@link OnProcessEvent} methods and provides the api, so racket-api need not be on the class path.
 *
 * <pre>
 * java -javaagent:agent/target/racket.jar -cp examples/target/classes org.universis.racket.examples.ZeroCodeApp
 * </pre>
 */
public final class ZeroCodeApp {

  private static final CountDownLatch RECEIVED = new CountDownLatch(2);

  /** Subscribed by the agent when an instance is constructed. */
  static final class Greeter {
    @OnProcessEvent("greeting.>")
    void greet(Map<String, Object> body) {
      System.out.println("instance handler: hello from " + body.get("from"));
      RECEIVED.countDown();
    }
  }

  /** Subscribed by the agent when the class initialises. */
  @OnProcessEvent("greeting.>")
  static void log(ProcessEvent event) {
    System.out.println("static handler: " + event.type() + " " + event.body());
    RECEIVED.countDown();
  }

  public static void main(String[] args) throws InterruptedException {
    Greeter greeter = new Greeter();
    InterProcessEventEmitter.emit("greeting.zero-code", Map.of("from", "ZeroCodeApp"));
    boolean both = RECEIVED.await(30, TimeUnit.SECONDS);
    System.out.println(both ? "both handlers received the greeting" : "no greeting within 30 s");
    System.out.println(greeter.getClass().getSimpleName() + " done");
    System.exit(both ? 0 : 1);
  }
}
