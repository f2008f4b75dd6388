package org.universis.racket.relay.internal.server;

import java.util.concurrent.atomic.LongAdder;
import org.universis.racket.Origin;
import org.universis.racket.ProcessEvent;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.relay.internal.codec.MalformedEventException;
import org.universis.racket.relay.internal.codec.OriginJson;

/** Builds the relay's own {@code racket.resync} notices, sent to one subscriber each; holds its origin. */
public final class Notices {

  /** Types the relay's notices alone may have. */
  static final String RESERVED = "racket.";

  private final byte[] origin;
  private final LongAdder made = new LongAdder();

  public Notices(String host) {
    origin = OriginJson.write(new Origin("relay", ProcessHandle.current().pid(), host,
        "racket-relay"));
  }

  /** How many resync notices were made. */
  long made() {
    return made.sum();
  }

  /** The relay's own origin, as JSON: its notices' and its presence events'. */
  byte[] origin() {
    return origin;
  }

  /**
   * Refuses an emitted type that only the relay's notices may have: a client must not pose as
   * the relay.
   */
  static void checkEmitted(String type) {
    if (type.startsWith(RESERVED)) {
      throw new MalformedEventException("type '" + type + "' is the relay's: types starting with '"
          + RESERVED + "' are its notices; emit another type");
    }
  }

  /**
   * A gap the subscriber cannot fill. Its id is {@code to}, the last id it covers, so it sits in
   * id order between what the subscriber saw and what comes next.
   *
   * @param dropped how many events were lost, or -1 when unknown
   */
  Event resync(String reason, long dropped, long from, long to) {
    made.increment();
    return new Event(to, ProcessEvent.RESYNC, Envelope.resync(origin, reason, dropped, from, to));
  }
}
