package org.universis.racket.agent.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.OnProcessEvent;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;

/**
 * A child-JVM application run with the agent: it never calls register() nor subscribe(). Its
 * {@code @OnProcessEvent} handlers answer every {@code peer.ping} with a {@code peer.pong}, one from
 * a static method (taking a ProcessEvent) and one from an instance (taking a record decoded from the
 * body). It prints {@code READY} once the relay accepted its {@code peer.ready} event, whether the
 * relay lists it among its clients, and what it can see of Jackson, then runs until stdin closes. Given a url, it also emits once through an emitter of
 * its own ({@code new ProcessEventEmitter(options)}).
 */
public final class PeerApp {

  /** The body of {@code peer.ping}, decoded by the agent. */
  public record Ping(int n) {}

  private final String name;

  PeerApp(String name) {
    this.name = name;
  }

  @OnProcessEvent("peer.ping")
  private void onPing(Ping ping) {
    InterProcessEventEmitter.emit("peer.pong", Map.of("n", ping.n(), "via", "instance", "app", name));
  }

  @OnProcessEvent("peer.ping")
  static void onPingEvent(ProcessEvent event) {
    Object n = ((Map<?, ?>) event.body()).get("n");
    InterProcessEventEmitter.emit("peer.pong", Map.of("n", n, "via", "static",
        "from", event.origin().id(), "type", event.type()));
  }

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "peer";
    PeerApp app = new PeerApp(name);
    System.out.println("registered " + InterProcessEventEmitter.isRegistered());
    System.out.println("jackson " + jacksonVersion() + " copies " + jacksonCopies());
    ClassLoader api = InterProcessEventEmitter.class.getClassLoader();
    System.out.println("api " + api.getName() + " " + api);
    long id = InterProcessEventEmitter.emit("peer.ready", Map.of("app", name))
        .get(30, TimeUnit.SECONDS);
    if (args.length > 1) {
      // an emitter of its own, as a library would make one: under the agent, the agent provides it
      RacketOptions options = RacketOptions.builder().url(args[1]).mode(RacketOptions.Mode.CLIENT).build();
      try (ProcessEventEmitter own = new ProcessEventEmitter(options)) {
        long ownId = own.emit("peer.explicit", Map.of("app", name)).get(30, TimeUnit.SECONDS);
        System.out.println("explicit emitter " + (ownId > id ? "ok" : "out of order"));
      }
    }
    long pid = ProcessHandle.current().pid();
    System.out.println("clients listed me " + InterProcessEventEmitter.clients().stream()
        .anyMatch(c -> c.origin() != null && c.origin().pid() == pid && c.transport().equals("ws")));
    System.out.println("READY " + id);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    while (in.readLine() != null) {
      // runs until the test closes stdin or kills it
    }
    System.out.println("bye " + app.name);
  }

  /** The application's own Jackson, if it has one; the agent's must never show up here. */
  static String jacksonVersion() {
    try {
      Class<?> v = Class.forName("com.fasterxml.jackson.databind.cfg.PackageVersion", true,
          PeerApp.class.getClassLoader());
      return String.valueOf(v.getField("VERSION").get(null));
    } catch (ReflectiveOperationException e) {
      return "none";
    }
  }

  static int jacksonCopies() throws Exception {
    List<URL> found = Collections.list(PeerApp.class.getClassLoader()
        .getResources("com/fasterxml/jackson/databind/ObjectMapper.class"));
    return found.size();
  }
}
