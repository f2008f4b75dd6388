package org.universis.racket.relay.internal.server;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.codec.EventBatchReader;
import org.universis.racket.relay.internal.codec.MalformedEventException;
import org.universis.racket.relay.internal.codec.RawEvent;
import org.universis.racket.relay.internal.codec.TooManyEventsException;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;

/**
 * The body of one {@code POST /events} in {@code application/x-ndjson}: lines, each what a
 * {@code POST /events} body may be, each published as soon as it is complete. One long request
 * (a pipe, a chunked upload) carries events one by one at the cost of a line, not of a request.
 * When the body ends, the answer is {@code 202 {"count":N,"first":id,"last":id}}; a bad line ends
 * it early, with the lines before it published and counted in the error.
 */
final class EventLines {

  // Reads handled before the IO thread turns to its other connections: a fast sender always has
  // more, and the thread's other sockets wait for its next select.
  private static final int READS_PER_TURN = 8;

  private final Sequencer sequencer;
  private final Responses responses;
  private final int maxLine;
  private final int maxBatch;
  private final long idleNanos;
  private final String typeOverride;
  private final byte[] origin;
  private final List<Emit> emits = new ArrayList<>();
  private final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
  private final LineSplitter lines;
  private final HttpServerExchange exchange;
  private final StreamSourceChannel channel;
  private CompletableFuture<Void> published = CompletableFuture.completedFuture(null);
  private long count;
  private long first;
  private long last;
  private boolean answered;
  private boolean timerSet;
  private long lastRead = System.nanoTime();

  EventLines(HttpServerExchange exchange, Sequencer sequencer, Responses responses, int maxLine,
      RelayConfig.Bounds bounds, String typeOverride, byte[] origin) {
    this.exchange = exchange;
    this.channel = exchange.getRequestChannel();
    this.sequencer = sequencer;
    this.responses = responses;
    this.maxLine = maxLine;
    this.maxBatch = bounds.maxBatch();
    this.idleNanos = TimeUnit.SECONDS.toNanos(bounds.readTimeoutSeconds());
    this.typeOverride = typeOverride;
    this.origin = origin;
    this.lines = new LineSplitter(maxLine, buffer.capacity());
  }

  void start() {
    channel.getReadSetter().set(c -> read());
    channel.resumeReads(); // wakes at once if the request's head came with some of the body
    checkIdleAfter(idleNanos);
  }

  // A stream has no end to wait for, but a silent one holds a socket: it ends after read-timeout
  // without a byte (a blank line keeps it open). On the IO thread, as reads are.
  private void checkIdleAfter(long nanos) {
    exchange.getIoThread().executeAfter(() -> {
      if (answered) return;
      long idle = System.nanoTime() - lastRead;
      if (idle < idleNanos) {
        checkIdleAfter(idleNanos - idle);
      } else {
        stop(408, "no bytes for " + TimeUnit.NANOSECONDS.toSeconds(idleNanos) + " s (read-timeout)");
      }
    }, nanos, TimeUnit.NANOSECONDS);
  }

  /*
   * Not Undertow's Receiver: it reads for as long as data is there, and it can only pause through
   * the IO thread's task queue, which XNIO empties before the thread selects again. Paused and
   * resumed that way, a fast stream kept its thread from selecting, and so from seeing its other
   * sockets become readable or writable: in the benchmark, subscribers on that thread stalled for
   * seconds. Here reads stay resumed and a turn just ends, so the selector calls again when the
   * socket has more. A turn that used all its reads may have left what the selector cannot see:
   * bytes Undertow already took from the socket (it reads one chunk at a time and keeps the rest),
   * or the end of a body that has all arrived, which only one more read shows. So a timer comes
   * back for another turn, after a select.
   */
  private void read() {
    if (answered) return; // a timer's turn after the end
    try {
      for (int turn = 0; turn < READS_PER_TURN; turn++) {
        buffer.clear();
        int n = channel.read(buffer);
        if (n == 0) return;
        lastRead = System.nanoTime();
        if (!take(buffer.array(), Math.max(n, 0), n < 0)) return;
      }
      if (!timerSet) {
        timerSet = true; // one at a time: a timer per turn would pile up into a run of turns
        exchange.getIoThread().executeAfter(() -> {
          timerSet = false;
          read();
        }, 1, TimeUnit.MILLISECONDS);
      }
    } catch (IOException e) {
      Log.debug("POST /events stream from " + exchange.getSourceAddress() + " failed after " + count
          + " events: " + e);
      answered = true;
      IoUtils.safeClose(exchange.getConnection());
    }
  }

  // The lines ending in bytes[0, length), then, at the end of the body, the last one. Whether to
  // read on: false once an answer went out.
  private boolean take(byte[] bytes, int length, boolean end) {
    try {
      lines.take(bytes, length, end, this::readLine);
    } catch (MalformedEventException e) {
      stop(400, "line " + lines.number() + ": " + e.getMessage());
      return false;
    } catch (TooManyEventsException e) {
      stop(413, "line " + lines.number() + ": " + e.getMessage());
      return false;
    } catch (LineSplitter.TooLong e) {
      stop(413, "line " + lines.number() + " is over " + maxLine + " bytes, the limit for one event (max-event-size)");
      return false;
    } catch (RuntimeException e) { // from a read listener it would reach no one: answer, close
      answered = true;
      channel.suspendReads();
      EventsPost.internalError(exchange, responses, e);
      return false;
    }
    publish();
    if (end) {
      answered = true;
      channel.suspendReads();
      published.whenComplete((v, failure) -> {
        if (failure != null) failed(failure);
        else responses.json(exchange, 202, count == 0 ? Json.object("count", 0L)
            : Json.object("count", count, "first", first, "last", last));
      });
    }
    return !end;
  }

  private void readLine(byte[] bytes, int from, int to) {
    for (RawEvent e : EventBatchReader.read(bytes, from, to, typeOverride, maxBatch)) {
      Notices.checkEmitted(e.type());
      emits.add(new Emit(e.type(), e.body(), 0));
    }
  }

  // The events of the lines read so far: one run through the sequencer per read.
  // Under a backplane the ids come when its log holds the events: the answer waits for them all.
  private void publish() {
    if (emits.isEmpty()) return;
    CompletableFuture<long[]> run = sequencer.publish(emits, origin, null, false);
    emits.clear();
    published = published.thenCombine(run, (v, ids) -> {
      if (count == 0) first = ids[0];
      last = ids[ids.length - 1];
      count += ids.length;
      return null;
    });
  }

  // The backplane did not take a run: the runs before it stand and are counted.
  private void failed(Throwable failure) {
    exchange.setPersistent(false);
    responses.error(exchange, 503, BackplaneLink.reason(failure), "count", count);
  }

  // The lines before the bad one stand, as if the body had ended there; the bad line is refused
  // as a whole, as a single POST would be.
  private void stop(int status, String message) {
    answered = true;
    channel.suspendReads();
    publish();
    exchange.setPersistent(false); // the rest of the body is not read
    published.whenComplete((v, failure) -> {
      if (failure != null) failed(failure);
      else responses.error(exchange, status, message, "count", count);
    });
  }
}
