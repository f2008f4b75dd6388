package org.universis.racket.relay.internal.codec;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.universis.racket.Origin;
import org.universis.racket.ProcessEvent;

/**
 * The event envelope, {@code {"id":…,"type":…,"time":…,"origin":…,"seq":…,"body":…}}: written by
 * splicing bytes (the origin is encoded once per connection and the body is the emitter's own
 * bytes, so encoding an event costs one array copy), and read back by position ({@link Reader}).
 *
 * <p>A WebSocket client that says {@code "protocol":2} in its hello gets keyed envelopes
 * (PROTOCOL.md, Origin keys): the first event of an origin on the connection carries the origin and
 * {@code "o":K} after it, a key of at most {@value OriginKeys#MAX} per connection; later ones carry
 * {@code "o":K} in the origin's place. {@link #writeKeyed} makes them from the full envelope, as the
 * relay's queues and history hold only that.
 */
public final class Envelope {

  private static final byte[] ID = Bytes.ascii("{\"id\":");
  private static final byte[] TYPE = Bytes.ascii(",\"type\":\"");
  private static final byte[] TIME = Bytes.ascii("\",\"time\":");
  private static final byte[] ORIGIN = Bytes.ascii(",\"origin\":");
  private static final byte[] KEY = Bytes.ascii(",\"o\":");
  private static final byte[] SEQ = Bytes.ascii(",\"seq\":");
  private static final byte[] BODY = Bytes.ascii(",\"body\":");
  /** What a key adds to an envelope at most: {@code ,"o":} and its digits. */
  private static final int KEY_BYTES = KEY.length + Bytes.digits(OriginKeys.MAX - 1);

  private Envelope() {}

  /** The envelope of a body that is all of {@code body}. */
  public static byte[] encode(long id, String type, long time, byte[] origin, long seq, byte[] body) {
    return encode(id, type, time, origin, seq, body, 0, body.length);
  }

  /**
   * The envelope's bytes.
   *
   * @param type a checked type (its characters need no escaping)
   * @param origin from {@link OriginJson#write}
   * @param body holds the body, one JSON value without line breaks, at {@code [from, to)}
   */
  public static byte[] encode(long id, String type, long time, byte[] origin, long seq, byte[] body,
      int from, int to) {
    // Sized exactly, so the envelope is allocated once and never copied to trim it.
    byte[] out = new byte[ID.length + Bytes.digits(id) + TYPE.length + type.length() + TIME.length
        + Bytes.digits(time) + ORIGIN.length + origin.length + SEQ.length + Bytes.digits(seq)
        + BODY.length + (to - from) + 1];
    int pos = Bytes.put(out, 0, ID);
    pos = Bytes.putLong(out, pos, id);
    pos = Bytes.put(out, pos, TYPE);
    pos = Bytes.putAscii(out, pos, type);
    pos = Bytes.put(out, pos, TIME);
    pos = Bytes.putLong(out, pos, time);
    pos = Bytes.put(out, pos, ORIGIN);
    pos = Bytes.put(out, pos, origin);
    pos = Bytes.put(out, pos, SEQ);
    pos = Bytes.putLong(out, pos, seq);
    pos = Bytes.put(out, pos, BODY);
    System.arraycopy(body, from, out, pos, to - from);
    out[pos + to - from] = '}';
    return out;
  }

  /**
   * A {@code racket.resync} notice: a gap its receiver cannot fill. Its id is {@code to}, the last
   * id it covers, so it sits in id order between what the receiver saw and what comes next.
   *
   * @param dropped how many events were lost, or -1 when unknown
   */
  public static byte[] resync(byte[] origin, String reason, long dropped, long from, long to) {
    return encode(to, ProcessEvent.RESYNC, System.currentTimeMillis(), origin, 0,
        resyncBody(reason, dropped, from, to));
  }

  /** A {@code racket.resync} notice's body, {@code {"reason":…,"dropped":…,"from":…,"to":…}}. */
  public static byte[] resyncBody(String reason, long dropped, long from, long to) {
    StringBuilder body = new StringBuilder(96).append("{\"reason\":\"").append(reason).append('"');
    if (dropped >= 0) body.append(",\"dropped\":").append(dropped);
    body.append(",\"from\":").append(from).append(",\"to\":").append(to).append('}');
    return body.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The type of an envelope that {@link #encode} wrote for event {@code id}, read back by its
   * position: the relay's history keeps envelopes only, and replay filters them by type.
   */
  public static String type(byte[] envelope, long id) {
    int start = ID.length + Bytes.digits(id) + TYPE.length;
    int end = start;
    while (envelope[end] != '"') end++; // a checked type has no quote and no escape
    return new String(envelope, start, end - start, StandardCharsets.US_ASCII);
  }

  /** The most bytes {@link #writeKeyed} writes for {@code envelope}. */
  public static int keyedSize(byte[] envelope) {
    return envelope.length + KEY_BYTES;
  }

  /**
   * Writes {@code envelope}, which {@link #encode} wrote for event {@code id} of {@code type}, keyed
   * for a connection whose origins so far are {@code keys}: with {@code "o":K} in its origin's
   * place when the connection knows the origin, else with the origin and its new key after it. Its
   * origin is found by position, as the id and type give it: only the time's digits are scanned.
   */
  public static void writeKeyed(byte[] envelope, long id, String type, OriginKeys keys,
      ByteBuffer out) {
    int originField = ID.length + Bytes.digits(id) + TYPE.length + type.length() + TIME.length;
    while (originField < envelope.length && envelope[originField] >= '0' && envelope[originField] <= '9') {
      originField++;
    }
    int origin = originField + ORIGIN.length;
    if (origin > envelope.length || !Arrays.equals(envelope, originField, origin, ORIGIN, 0, ORIGIN.length)) {
      out.put(envelope); // not an envelope of encode's: whole, as to a client of protocol 1
      return;
    }
    int key = keys.find(envelope, origin);
    int originEnd;
    if (key >= 0) {
      originEnd = origin + keys.length(key);
      out.put(envelope, 0, originField);
    } else {
      originEnd = JsonScan.valueEnd(envelope, origin, envelope.length);
      if (originEnd < 0 || envelope[origin] != '{') {
        out.put(envelope);
        return;
      }
      key = keys.add(envelope, origin, originEnd);
      out.put(envelope, 0, originEnd);
    }
    out.put(KEY);
    putKey(out, key);
    out.put(envelope, originEnd, envelope.length - originEnd);
  }

  private static void putKey(ByteBuffer out, int key) {
    if (key >= 10) out.put((byte) ('0' + key / 10));
    out.put((byte) ('0' + key % 10));
  }

  /** Takes in what {@link Reader} reads from an envelope; positions are in the bytes read. */
  public interface Sink {
    void event(long id, String type, long time, Origin origin, long seq, int bodyFrom, int bodyTo);
  }

  /**
   * Reads envelopes by position, those of one connection: it keeps the origins the connection
   * named, by key and the last few by their bytes, so that an event from one of them costs a
   * comparison instead of a parse and an {@link Origin}. Not thread-safe.
   */
  public static final class Reader {

    private static final int RECENT = 8;
    private final Bytes.Cursor c = new Bytes.Cursor();
    private final byte[][] recentBytes = new byte[RECENT][];
    private final Origin[] recentValues = new Origin[RECENT];
    private int nextRecent;
    private final Origin[] byKey = new Origin[OriginKeys.MAX];

    /**
     * Reads the envelope that is all of {@code t[from, to)} when it is laid out exactly as the
     * relay writes it, full or keyed, and hands it to {@code sink}; otherwise returns false, having
     * handed on nothing, and a JSON parser must read the line.
     */
    public boolean read(byte[] t, int from, int to, Sink sink) {
      c.at(t, from, to);
      if (!c.skip(ID)) return false;
      long id = c.digits();
      if (id <= 0 || !c.skip(TYPE)) return false;
      String type = c.type();
      if (type == null || !c.skip(TIME)) return false;
      long time = c.digits();
      if (time < 0) return false;
      Origin origin = null;
      if (c.skip(ORIGIN) && (origin = origin()) == null) return false;
      if (c.skip(KEY) && (origin = keyed(c.digits(), origin)) == null) return false;
      long seq;
      if (origin == null || !c.skip(SEQ) || (seq = c.digits()) < 0 || !c.skip(BODY)) return false;
      int bodyFrom = c.pos;
      // The body as the relay checked it, whole: a line cut short, or one that is not the relay's,
      // is the parser's to read and refuse.
      int bodyTo = to - 1;
      if (t[bodyTo] != '}' || JsonScan.valueEnd(t, bodyFrom, bodyTo) != bodyTo) return false;
      sink.event(id, type, time, origin, seq, bodyFrom, bodyTo);
      return true;
    }

    /**
     * The origin a keyed envelope names, for a parser that read {@code "o":key}; with {@code
     * origin} when the envelope introduces the key.
     *
     * @return null when the key is out of range, or names no origin the connection was given
     */
    public Origin keyed(long key, Origin origin) {
      if (key < 0 || key >= OriginKeys.MAX) return null;
      if (origin != null) byKey[(int) key] = origin;
      return byKey[(int) key];
    }

    // The origin object at the cursor, which moves past it; null if it is not one as the relay
    // writes it. A recent one's very bytes are a whole object: matching them finds its end too.
    private Origin origin() {
      for (int i = 0; i < RECENT; i++) {
        byte[] known = recentBytes[i];
        if (known != null && c.pos + known.length <= c.to
            && Arrays.equals(known, 0, known.length, c.t, c.pos, c.pos + known.length)) {
          c.pos += known.length;
          return recentValues[i];
        }
      }
      int end = JsonScan.valueEnd(c.t, c.pos, c.to);
      if (end < 0 || c.t[c.pos] != '{') return null;
      Origin origin;
      try (JsonParser p = JsonLimits.parser(c.t, c.pos, end)) {
        p.nextToken();
        origin = OriginJson.read(p);
        if (p.nextToken() != null) return null;
      } catch (IOException | MalformedEventException e) {
        return null;
      }
      int slot = nextRecent++ & (RECENT - 1);
      recentBytes[slot] = Arrays.copyOfRange(c.t, c.pos, end);
      recentValues[slot] = origin;
      c.pos = end;
      return origin;
    }
  }
}
