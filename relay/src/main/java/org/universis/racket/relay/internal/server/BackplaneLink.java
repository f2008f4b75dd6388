package org.universis.racket.relay.internal.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.codec.Ack;
import org.universis.racket.spi.Backplane;

/**
 * A relay's side of a backplane: its emits go to the shared log, and what the log holds, from
 * every relay, comes back to its {@link Sequencer} in the log's order, with the log's ids.
 */
final class BackplaneLink implements Backplane.Receiver {

  /** How long a starting relay waits to read the log's latest events into its history. */
  static final long START_WAIT_MILLIS = 5_000;

  private final Sequencer sequencer;
  private final String name;
  private Backplane backplane;

  BackplaneLink(Sequencer sequencer, String name) {
    this.sequencer = sequencer;
    this.name = name;
  }

  /** Opens the backplane and reads the log's latest events before the relay serves. */
  void open(Backplane.Provider provider, RelayConfig config) {
    backplane = provider.open(Backplanes.uri(config.backplane()), new Backplane.Settings(
        config.historySize(), config.backplaneHold(), config.historyBytes()), this);
    sequencer.join(this);
    backplane.start(START_WAIT_MILLIS);
    Log.info("joined backplane " + name);
  }

  /**
   * Appends emits to the log. The emitter, if it waits for acks, gets them once the log holds the
   * emits: one per emit, or with {@code ackRun} one per run of consecutive ids (all of them: one
   * append numbers its entries in a row), else a nack for each if the log could not take them.
   */
  CompletableFuture<long[]> publish(List<Emit> emits, byte[] origin, Subscriber ackTo, boolean ackRun) {
    long time = System.currentTimeMillis();
    List<byte[]> entries = new ArrayList<>(emits.size());
    for (Emit emit : emits) entries.add(BackplaneEntry.encode(emit, origin, time));
    long[] seqs = new long[emits.size()];
    for (int i = 0; i < seqs.length; i++) seqs[i] = emits.get(i).seq();
    CompletableFuture<long[]> ids = backplane.append(entries);
    if (ackTo != null) ids.whenComplete((done, failure) -> answer(ackTo, seqs, done, failure, ackRun));
    return ids;
  }

  private static void answer(Subscriber emitter, long[] seqs, long[] ids, Throwable failure, boolean ackRun) {
    int runStart = 0;
    for (int i = 0; i < seqs.length; i++) {
      if (failure != null) {
        emitter.offerControl(Json.nack(seqs[i], "unavailable", reason(failure)));
      } else if (!ackRun || i + 1 == ids.length || ids[i + 1] != ids[i] + 1) {
        emitter.offerControl(Ack.write(seqs[i], ids[i], i - runStart + 1));
        runStart = i + 1;
      }
    }
  }

  /** Why the log did not take an append, for a 503 or a nack. */
  static String reason(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return t.getMessage();
  }

  @Override
  public void deliver(long id, byte[] entry) {
    BackplaneEntry e;
    try {
      e = BackplaneEntry.decode(entry);
    } catch (IllegalArgumentException bad) {
      Log.warn("backplane " + name + ": skipped entry " + id + ": " + bad.getMessage());
      return;
    }
    sequencer.deliver(id, e);
  }

  @Override
  public void gap(long afterId, long toId) {
    Log.warn("backplane " + name + ": events after " + afterId + " up to " + toId
        + " left the log before this relay read them; its subscribers get racket.resync");
    sequencer.gap(afterId, toId);
  }

  @Override
  public void warn(String message) {
    Log.warn(message);
  }

  @Override
  public void info(String message) {
    Log.info(message);
  }

  String name() {
    return name;
  }

  Backplane.Status status() {
    return backplane.status();
  }

  void close() {
    if (backplane != null) backplane.close();
  }
}
