package org.universis.racket.relay.internal.client;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * On Linux, the user that owns the other end of a local TCP connection, from the kernel's socket
 * tables ({@code /proc/net/tcp} and {@code tcp6}, which list each socket with its owner's uid):
 * how an {@code auto} client tells its own user's relay without a token from another user's
 * process holding the port (docs/SECURITY.md). Elsewhere, unknown.
 */
final class SocketOwner {

  private static final Path[] TABLES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};

  private SocketOwner() {}

  /** Whether the process at the other end of {@code socket} runs as this process's user. */
  static boolean peerIsThisUser(Socket socket) {
    OptionalInt mine = thisUser();
    if (mine.isEmpty()) return false;
    OptionalInt peer = peerUser((InetSocketAddress) socket.getRemoteSocketAddress(),
        (InetSocketAddress) socket.getLocalSocketAddress());
    return peer.isPresent() && peer.getAsInt() == mine.getAsInt();
  }

  static OptionalInt thisUser() {
    try {
      return OptionalInt.of((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return OptionalInt.empty();
    }
  }

  // The owner of the socket whose local end is `peer` and whose remote end is `us`.
  private static OptionalInt peerUser(InetSocketAddress peer, InetSocketAddress us) {
    for (Path table : TABLES) {
      try {
        OptionalInt uid = find(Files.readAllLines(table), peer, us);
        if (uid.isPresent()) return uid;
      } catch (IOException e) {
        // no such table here (not Linux, or no IPv6): look in the next
      }
    }
    return OptionalInt.empty();
  }

  /** The uid of the socket listed in {@code lines} with these local and remote ends. */
  static OptionalInt find(List<String> lines, InetSocketAddress local, InetSocketAddress remote) {
    List<String> locals = forms(local);
    List<String> remotes = forms(remote);
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
      if (f.length < 8 || !locals.contains(f[1]) || !remotes.contains(f[2])) continue;
      try {
        return OptionalInt.of(Integer.parseInt(f[7]));
      } catch (NumberFormatException e) {
        return OptionalInt.empty();
      }
    }
    return OptionalInt.empty();
  }

  // How the kernel prints an address and port: the address as 32-bit words in the host's byte
  // order, the port in hex; an IPv4 address also as IPv4-mapped IPv6 (a dual-stack socket's).
  private static List<String> forms(InetSocketAddress a) {
    InetAddress address = a.getAddress();
    String port = String.format(Locale.ROOT, ":%04X", a.getPort());
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xFF;
      mapped[11] = (byte) 0xFF;
      System.arraycopy(bytes, 0, mapped, 12, 4);
      return List.of(words(bytes) + port, words(mapped) + port);
    }
    return List.of(words(bytes) + port);
  }

  private static String words(byte[] bytes) {
    byte[] out = bytes.clone();
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      for (int i = 0; i < out.length; i += 4) {
        byte b0 = out[i];
        byte b1 = out[i + 1];
        out[i] = out[i + 3];
        out[i + 1] = out[i + 2];
        out[i + 2] = b1;
        out[i + 3] = b0;
      }
    }
    return HexFormat.of().withUpperCase().formatHex(out);
  }
}
