package org.universis.racket.relay.internal.codec;

/**
 * {@code {"op":"ack","seq":…,"id":…,"count":…}}: the relay's answer to a run of {@code count}
 * WebSocket emits that became consecutive events, the last being {@code seq} and {@code id}.
 * Written without {@code count} when it is 1 (the answer to one emit). Its writer and its reader by
 * position live here together, so that the client reads every ack the relay writes without a parser.
 *
 * @param count 0 when the line has none, as Jackson's reading of it gives
 */
public record Ack(long seq, long id, int count) {

  private static final byte[] SEQ = Bytes.ascii("{\"op\":\"ack\",\"seq\":");
  private static final byte[] ID = Bytes.ascii(",\"id\":");
  private static final byte[] COUNT = Bytes.ascii(",\"count\":");

  /** The ack's bytes. */
  public static byte[] write(long seq, long id, int count) {
    int length = SEQ.length + Bytes.digits(seq) + ID.length + Bytes.digits(id) + 1;
    if (count != 1) length += COUNT.length + Bytes.digits(count);
    byte[] out = new byte[length];
    int pos = Bytes.put(out, 0, SEQ);
    pos = Bytes.putLong(out, pos, seq);
    pos = Bytes.put(out, pos, ID);
    pos = Bytes.putLong(out, pos, id);
    if (count != 1) {
      pos = Bytes.put(out, pos, COUNT);
      pos = Bytes.putLong(out, pos, count);
    }
    out[pos] = '}';
    return out;
  }

  /**
   * The ack that is all of {@code t[from, to)}, when laid out exactly as {@link #write} lays it
   * out; otherwise null, and a JSON parser must read the line.
   */
  public static Ack read(byte[] t, int from, int to) {
    Bytes.Cursor c = new Bytes.Cursor().at(t, from, to);
    if (!c.skip(SEQ)) return null;
    long seq = c.digits();
    if (seq < 0 || !c.skip(ID)) return null;
    long id = c.digits();
    if (id < 0) return null;
    long count = c.skip(COUNT) ? c.digits() : 0;
    if (count < 0 || count > Integer.MAX_VALUE || c.pos != to - 1 || t[c.pos] != '}') return null;
    return new Ack(seq, id, (int) count);
  }
}
