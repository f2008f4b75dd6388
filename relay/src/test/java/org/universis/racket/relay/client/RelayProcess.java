package org.universis.racket.relay.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The standalone relay ({@code target/racket-relay.jar}) as a child process, for the ITs. */
final class RelayProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on http://([^:/\\s]+):(\\d+)");

  private final ChildJvm jvm;
  private final int port;

  private RelayProcess(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  /** Starts a relay on {@code port} (0: any free port) and waits until it listens. */
  static RelayProcess start(String name, int port) throws IOException, InterruptedException {
    Path jar = Path.of("target", "racket-relay.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run mvn package first");
    }
    ChildJvm jvm = ChildJvm.startJar(name, jar.toString(), "--port", String.valueOf(port));
    try {
      String line = jvm.await(l -> LISTENING.matcher(l).find(), 60, "'listening on' line");
      Matcher m = LISTENING.matcher(line);
      m.find();
      return new RelayProcess(jvm, Integer.parseInt(m.group(2)));
    } catch (AssertionError | InterruptedException | RuntimeException e) {
      jvm.close();
      throw e;
    }
  }

  /** A port nothing listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  /** Kills the relay as a crash would. */
  void kill() {
    jvm.kill();
  }

  @Override
  public void close() {
    jvm.close();
  }
}
