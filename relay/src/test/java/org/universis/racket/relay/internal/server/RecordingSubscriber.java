package org.universis.racket.relay.internal.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.universis.racket.relay.internal.codec.WsFrames;
import org.universis.racket.spi.TypeFilter;

/**
 * A subscriber whose transport is memory: frames are NDJSON as on /ws, and each send completes
 * only when the test calls {@link #release()}, so a test decides how slow the reader is.
 */
final class RecordingSubscriber extends Subscriber {

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<JsonNode> received = new ArrayList<>();
  int frames;
  boolean transportClosed;
  private Runnable pending;

  RecordingSubscriber(TypeFilter filter, SubscriberLimits limits, Metrics metrics) {
    super(new SubscriberInfo("test", "memory", 0, null), filter, limits, metrics);
  }

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public void send(ByteBuffer frame, Runnable sent) {
    frames++;
    String text = StandardCharsets.UTF_8.decode(frame).toString();
    for (String line : text.split("\n")) {
      try {
        received.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    pending = sent;
  }

  /** Completes the send in flight, which lets the writer send the next frame. */
  boolean release() {
    Runnable p = pending;
    pending = null;
    if (p != null) p.run();
    return p != null;
  }

  /** Releases until nothing is in flight. */
  void drainAll() {
    while (release()) {
      // each release may send one more frame
    }
  }

  @Override
  public int headroom() {
    return WsFrames.SERVER_HEAD_ROOM; // as on /ws: the frame starts after room for a header
  }

  @Override
  public int frameSize(Outgoing item) {
    return WsSubscriber.lineSize(item);
  }

  @Override
  public void frame(Outgoing item, ByteBuffer out) {
    WsSubscriber.line(item, out);
  }

  @Override
  public void closeTransport(boolean slow) {
    transportClosed = true;
  }

  @Override
  public void closed() {}

  List<Long> ids() {
    return received.stream().filter(n -> n.has("id")).map(n -> n.get("id").asLong()).toList();
  }
}
