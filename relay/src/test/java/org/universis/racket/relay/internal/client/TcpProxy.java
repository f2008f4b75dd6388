package org.universis.racket.relay.internal.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.universis.racket.relay.internal.server.RelayProcess;

/**
 * A plain TCP forwarder between a client and the relay, so a test can cut the network under a
 * running client (and refuse reconnects) while the relay goes on, then let it through again. It
 * can also lose what a client sends after its first WebSocket message, as a link that dies right
 * after the handshake does.
 */
final class TcpProxy implements AutoCloseable {

  private final int port;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private Thread acceptThread;
  private volatile boolean loseAfterHello;
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();

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
    // A socket closed while a thread waits in accept() lets go of its port only when that thread
    // leaves: wait for it, or open() may find the port still taken.
    try {
      acceptThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Socket s : sockets) s.close();
    sockets.clear();
  }

  /**
   * From now on, of what a client sends on a new connection only the WebSocket upgrade and its
   * first frame (the hello) reach the relay; the rest is lost.
   */
  void loseWhatFollowsTheHello(boolean lose) {
    loseAfterHello = lose;
  }

  /** How many bytes were lost that way. */
  long lostBytes() {
    return lost.get();
  }

  /** How many connections clients opened through the proxy. */
  long accepted() {
    return accepted.get();
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
    acceptThread = accept;
  }

  private void acceptLoop(ServerSocket s) {
    try {
      while (true) {
        Socket client = s.accept();
        accepted.incrementAndGet();
        Socket relay;
        try {
          relay = new Socket("127.0.0.1", target);
        } catch (IOException relayDown) {
          // Between two relays: close this client as the missing relay would, and accept the
          // next (leaving the loop kept the port bound with nobody serving it).
          client.close();
          continue;
        }
        sockets.add(client);
        sockets.add(relay);
        boolean lose = loseAfterHello;
        pump(client, relay, lose);
        pump(relay, client, false);
      }
    } catch (IOException e) {
      // closed by cut()
    }
  }

  private void pump(Socket from, Socket to, boolean loseAfterHello) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        if (loseAfterHello) {
          forwardHeadAndOneFrame(in, out);
          for (int n; (n = in.read(buffer)) >= 0; ) lost.addAndGet(n);
        }
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

  // The HTTP upgrade request up to its blank line, then one masked client frame.
  private static void forwardHeadAndOneFrame(InputStream in, OutputStream out) throws IOException {
    int last4 = 0;
    while (last4 != 0x0D0A0D0A) {
      int b = in.read();
      if (b < 0) return;
      out.write(b);
      last4 = (last4 << 8) | b;
    }
    int b0 = in.read();
    int b1 = in.read();
    if (b1 < 0) return;
    out.write(b0);
    out.write(b1);
    long length = b1 & 0x7F;
    int extra = length == 126 ? 2 : length == 127 ? 8 : 0;
    if (extra > 0) length = 0;
    for (int i = 0; i < extra; i++) {
      int b = in.read();
      out.write(b);
      length = (length << 8) | b;
    }
    for (long i = 0; i < 4 + length; i++) out.write(in.read()); // the mask, then the payload
    out.flush();
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
