package org.universis.racket.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** Loopback ports: a free one for each test, and which process listens on one. */
final class Ports {

  private Ports() {}

  static int free() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Which of {@code pids} has a socket listening on {@code port}, read from /proc (Linux): the
   * relay's host, whatever the relay says about itself.
   */
  static OptionalLong listener(int port, List<Long> pids) throws IOException {
    String inode = listeningInode(port);
    if (inode == null) return OptionalLong.empty();
    String socket = "socket:[" + inode + "]";
    for (long pid : pids) {
      Path fds = Path.of("/proc", Long.toString(pid), "fd");
      try (var links = Files.list(fds)) {
        for (Path fd : (Iterable<Path>) links::iterator) {
          try {
            if (Files.readSymbolicLink(fd).toString().equals(socket)) return OptionalLong.of(pid);
          } catch (IOException closedMeanwhile) {
            // an fd closed while listing
          }
        }
      } catch (IOException gone) {
        // that process exited
      }
    }
    return OptionalLong.empty();
  }

  private static String listeningInode(int port) throws IOException {
    String hexPort = String.format(":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) return f[9];
      }
    }
    return null;
  }
}
