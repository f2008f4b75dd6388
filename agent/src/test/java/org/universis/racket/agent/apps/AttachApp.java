package org.universis.racket.agent.apps;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.OnProcessEvent;
import org.universis.racket.ProcessEvent;

/**
 * A JVM started without the agent. Its own class and {@link Early} load before the attach, with
 * {@code @OnProcessEvent} methods answering {@code attach.ping}. On {@code go} (sent once the test
 * attached the agent) it makes an {@code Early} and runs {@link PeerApp}, whose class loads only then.
 */
public final class AttachApp {

  /** Loaded before the attach, instantiated after it. */
  static final class Early {
    @OnProcessEvent("attach.ping")
    void onPing(Map<String, Object> body) {
      InterProcessEventEmitter.emit("attach.pong", Map.of("via", "instance", "n", body.get("n")));
    }
  }

  @OnProcessEvent("attach.ping")
  static void onPing(ProcessEvent event) {
    InterProcessEventEmitter.emit("attach.pong", Map.of("via", "static", "n", event.id()));
  }

  static Early early;

  public static void main(String[] args) throws Exception {
    System.out.println("STARTED registered " + InterProcessEventEmitter.isRegistered() + " " + Early.class);
    String line;
    while (!(line = readLine(System.in)).equals("go")) {
      if (line.isEmpty()) return;
    }
    early = new Early();
    // by name: the class must not load before the agent is there to weave it
    Class.forName("org.universis.racket.agent.apps.PeerApp").getMethod("main", String[].class)
        .invoke(null, (Object) new String[] {"attached"});
  }

  // Unbuffered, so that PeerApp reads the rest of stdin.
  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c; (c = in.read()) != -1 && c != '\n'; ) sb.append((char) c);
    return sb.toString();
  }
}
