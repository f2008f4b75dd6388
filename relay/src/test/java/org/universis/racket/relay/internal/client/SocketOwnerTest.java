package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Who owns the other end of a local connection, from the kernel's socket tables (Linux). */
class SocketOwnerTest {

  @Test
  void aConnectionToThisProcessIsThisUsers() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/net/tcp")), "Linux only");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      assertTrue(SocketOwner.peerIsThisUser(client));
      assertTrue(SocketOwner.peerIsThisUser(accepted));
    }
  }

  @Test
  void theOwnerIsReadFromTheLineOfThatSocketInEitherTable() {
    InetSocketAddress relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), 14440);
    InetSocketAddress client = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    // As a little-endian kernel prints them: 127.0.0.1:14440 <- 127.0.0.1:40000, owned by 1001;
    // the same socket of a dual-stack listener in tcp6, owned by 1002.
    List<String> tcp = List.of(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        "   0: 0100007F:3868 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1",
        "   1: 0100007F:3868 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1001        0 2");
    List<String> tcp6 = List.of(
        "   0: 0000000000000000FFFF00000100007F:3868 0000000000000000FFFF00000100007F:9C40 01"
            + " 00000000:00000000 00:00000000 00000000  1002        0 3");
    assumeTrue(java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(OptionalInt.of(1001), SocketOwner.find(tcp, relay, client));
    assertEquals(OptionalInt.of(1002), SocketOwner.find(tcp6, relay, client));
    assertEquals(OptionalInt.empty(), SocketOwner.find(tcp, client, relay));
  }
}
