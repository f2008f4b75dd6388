package org.universis.racket.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * racket's HTTP surface with one long {@code POST /events?type=bench} in {@code application/x-ndjson} per
 * phase: each tick is one line of a chunked body, as a pipe into {@code curl -T -} sends them.
 * Paced ticks go out in one chunk per flush: one each at a pace the sender keeps, and those that
 * came due together when it is behind, as a pipe's reader such as curl takes what has arrived.
 * A flat-out sender, or a burst (a stream has no window to leave out), fills chunks of up to 64 KiB.
 * Subscribers read {@code GET /events} with the minimal client of {@link RawHttpTransport}.
 */
final class LineStreamTransport implements Transport {

  private static final int HEAD_ROOM = 8; // a chunk's size in hex and CRLF, in front of its data

  @Override
  public Sender sender(String url, Scenario.Phase phase, View view) throws IOException {
    URI uri = URI.create(url);
    Socket socket = RawHttpTransport.connect(uri);
    OutputStream out = socket.getOutputStream();
    InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
    byte[] head = ("POST /events?type=" + Tick.TYPE + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nContent-Type:"
        + " application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    return new Sender() {
      private final byte[] chunk = new byte[HEAD_ROOM + (64 << 10) + 2];
      private int length; // of the data in the chunk
      private long lines = -1; // in the open request, or -1 when none is open

      @Override
      public void send(Tick tick) throws IOException {
        if (lines < 0) {
          out.write(head);
          lines = 0;
        }
        byte[] json = view.httpBody(tick);
        if (length + json.length + 1 > chunk.length - HEAD_ROOM - 2) writeChunk();
        System.arraycopy(json, 0, chunk, HEAD_ROOM + length, json.length);
        length += json.length;
        chunk[HEAD_ROOM + length++] = '\n';
        lines++;
      }

      @Override
      public void flush() throws IOException {
        writeChunk();
      }

      // One write: the size in hex right before the data, CRLF after it.
      private void writeChunk() throws IOException {
        if (length == 0) return;
        byte[] size = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        int from = HEAD_ROOM - size.length;
        System.arraycopy(size, 0, chunk, from, size.length);
        chunk[HEAD_ROOM + length] = '\r';
        chunk[HEAD_ROOM + length + 1] = '\n';
        out.write(chunk, from, size.length + length + 2);
        length = 0;
      }

      /** Ends the request; the relay answers once it has published every line. */
      @Override
      public void drain() throws IOException {
        if (lines < 0) return;
        writeChunk();
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = RawHttpTransport.readHead(in);
        String body = new String(in.readNBytes((int) RawHttpTransport.contentLength(answer)),
            StandardCharsets.UTF_8);
        if (!answer.startsWith("HTTP/1.1 202") || !body.startsWith("{\"count\":" + lines + ",")) {
          throw new IllegalStateException("the stream of " + lines + " lines was answered "
              + answer.lines().findFirst().orElse("") + " " + body);
        }
        lines = -1;
      }

      @Override
      public void close() throws IOException {
        socket.close();
      }
    };
  }

  @Override
  public AutoCloseable subscribe(String url, View view, Tick.TickSink sink) throws Exception {
    return new RawHttpTransport().subscribe(url, view, sink);
  }
}
