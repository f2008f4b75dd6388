package org.universis.racket.relay.server;

import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.universis.racket.relay.codec.EventBatchReader;
import org.universis.racket.relay.codec.MalformedEventException;
import org.universis.racket.relay.codec.RawEvent;

/**
 * The body of one {@code POST /events} in {@code application/x-ndjson}: lines, each what a
 * {@code POST /events} body may be, each published as soon as it is complete. One long request
 * (a pipe, a chunked upload) carries events one by one at the cost of a line, not of a request.
 * When the body ends, the answer is {@code 202 {"count":N,"first":id,"last":id}}; a bad line ends
 * it early, with the lines before it published and counted in the error.
 */
final class EventLines implements Receiver.PartialBytesCallback {

  // Reads handled before the IO thread turns to its other connections: Undertow's receiver reads
  // for as long as data is there, and a fast sender always has some.
  private static final int READS_PER_TURN = 8;

  private final Sequencer sequencer;
  private final Responses responses;
  private final int maxLine;
  private final String typeOverride;
  private final byte[] origin;
  private final List<Emit> emits = new ArrayList<>();
  private byte[] partial = new byte[0]; // the start of a line that has not ended yet
  private int partialLength;
  private long line = 1; // the number of the line being read
  private long count;
  private long first;
  private long last;
  private int reads;

  EventLines(Sequencer sequencer, Responses responses, int maxLine, String typeOverride, byte[] origin) {
    this.sequencer = sequencer;
    this.responses = responses;
    this.maxLine = maxLine;
    this.typeOverride = typeOverride;
    this.origin = origin;
  }

  void start(HttpServerExchange exchange) {
    Receiver receiver = exchange.getRequestReceiver();
    receiver.setMaxBufferSize(-1); // nothing is buffered but one line, bounded by maxLine
    receiver.receivePartialBytes(this, (ex, e) -> {
      Log.debug("POST /events stream from " + ex.getSourceAddress() + " failed after " + count
          + " events: " + e);
      ex.setPersistent(false);
      ex.endExchange();
    });
  }

  @Override
  public void handle(HttpServerExchange exchange, byte[] bytes, boolean end) {
    int from = 0;
    try {
      for (int nl = indexOf(bytes, from); nl >= 0; nl = indexOf(bytes, from)) {
        if (partialLength == 0) {
          readLine(bytes, from, nl);
        } else {
          keep(bytes, from, nl);
          readLine(partial, 0, partialLength);
          partialLength = 0;
        }
        line++;
        from = nl + 1;
      }
      keep(bytes, from, bytes.length);
      if (end && partialLength > 0) readLine(partial, 0, partialLength);
    } catch (MalformedEventException e) {
      stop(exchange, 400, "line " + line + ": " + e.getMessage());
      return;
    } catch (LineTooLong e) {
      stop(exchange, 413, "line " + line + " is over " + maxLine
          + " bytes, the limit for one event (max-event-size)");
      return;
    }
    publish();
    if (end) {
      responses.json(exchange, 202, count == 0 ? Json.object("count", 0L)
          : Json.object("count", count, "first", first, "last", last));
    } else if (++reads == READS_PER_TURN) {
      Receiver receiver = exchange.getRequestReceiver();
      receiver.pause();
      // Dispatched, or Undertow would end an exchange that neither reads nor writes.
      exchange.dispatch(exchange.getIoThread(), () -> {
        reads = 0;
        receiver.resume();
      });
    }
  }

  private void readLine(byte[] bytes, int from, int to) {
    if (to - from > maxLine) throw new LineTooLong();
    if (isBlank(bytes, from, to)) return; // keeps an idle stream alive, or ends a file
    for (RawEvent e : EventBatchReader.read(bytes, from, to, typeOverride)) {
      emits.add(new Emit(e.type(), e.body(), 0));
    }
  }

  // The events of the lines read so far: one run through the sequencer per read.
  private void publish() {
    if (emits.isEmpty()) return;
    long[] ids = sequencer.publish(emits, origin, null, false);
    emits.clear();
    if (count == 0) first = ids[0];
    last = ids[ids.length - 1];
    count += ids.length;
  }

  // The lines before the bad one stand, as if the body had ended there; the bad line is refused
  // as a whole, as a single POST would be.
  private void stop(HttpServerExchange exchange, int status, String message) {
    exchange.getRequestReceiver().pause();
    publish();
    exchange.setPersistent(false); // the rest of the body is not read
    responses.error(exchange, status, message, "count", count);
  }

  private void keep(byte[] bytes, int from, int to) {
    int length = partialLength + to - from;
    if (length > maxLine) throw new LineTooLong();
    if (length > partial.length) partial = Arrays.copyOf(partial, Math.max(length, 2 * partial.length));
    System.arraycopy(bytes, from, partial, partialLength, to - from);
    partialLength = length;
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == '\n') return i;
    }
    return -1;
  }

  private static boolean isBlank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') return false;
    }
    return true;
  }

  private static final class LineTooLong extends RuntimeException {
    LineTooLong() {
      super(null, null, false, false);
    }
  }
}
