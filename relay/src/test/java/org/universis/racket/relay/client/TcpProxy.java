package org.universis.racket.relay.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain TCP forwarder between a client and the relay, so a test can cut the network under a
 * running client (and refuse reconnects) while the relay goes on, then let it through again.
 */
final class TcpProxy implements AutoCloseable {

  private final int port;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  TcpProxy(int target) throws IOException {
    this.target = target;
    this.port = RelayProcess.freePort();
    open();
  }

  int port() {
    return port;
  }

  /** Closes every connection and refuses new ones. */
  synchronized void cut() throws IOException {
    server.close();
    for (Socket s : sockets) s.close();
    sockets.clear();
  }

  /** Accepts connections again. */
  synchronized void open() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress("127.0.0.1", port));
    server = s;
    Thread accept = new Thread(() -> acceptLoop(s), "test-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  private void acceptLoop(ServerSocket s) {
    try {
      while (true) {
        Socket client = s.accept();
        Socket relay = new Socket("127.0.0.1", target);
        sockets.add(client);
        sockets.add(relay);
        pump(client, relay);
        pump(relay, client);
      }
    } catch (IOException e) {
      // closed by cut()
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) out.write(buffer, 0, n);
      } catch (IOException e) {
        // one side went away
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "test-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
