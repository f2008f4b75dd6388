package org.universis.racket.agent.apps;

import java.io.IOException;
import java.io.InputStream;
import org.universis.racket.InterProcessEventEmitter;

/**
 * A JVM started without the agent: it waits for {@code go} on stdin (sent once the test attached
 * the agent), then runs {@link PeerApp}, whose class loads only then and so is woven.
 */
public final class AttachApp {

  public static void main(String[] args) throws Exception {
    System.out.println("STARTED registered " + InterProcessEventEmitter.isRegistered());
    String line;
    while (!(line = readLine(System.in)).equals("go")) {
      if (line.isEmpty()) return;
    }
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
