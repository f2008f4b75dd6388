package org.universis.racket.relay.internal.codec;

/**
 * {@code {"op":"emit","seq":N,"type":"T","body":B}}: one emit, as the JVM client writes it and the
 * relay reads it. Writer and reader by position live here together: the relay reads what the
 * client writes without Jackson (whose tokens for the same line were a third of the relay's IO
 * threads, profiled). An emit without a type, {@code {"op":"emit","seq":N,"body":B}}, is left to
 * Jackson, which finds the type in the body.
 *
 * @param bodyFrom where the body starts in the bytes read
 * @param bodyTo where it ends; the line's closing brace is there
 */
public record EmitLine(long seq, String type, int bodyFrom, int bodyTo) {

  private static final byte[] SEQ = Bytes.ascii("{\"op\":\"emit\",\"seq\":");
  private static final byte[] TYPE = Bytes.ascii(",\"type\":\"");
  private static final byte[] TYPED_BODY = Bytes.ascii("\",\"body\":");
  private static final byte[] BODY = Bytes.ascii(",\"body\":");

  /**
   * The emit's line, written straight into one array: the body's bytes are copied in, never
   * re-encoded (building the head as a String first was a tenth of a busy publisher's samples).
   *
   * @param type a checked type (ASCII, nothing to escape), or null to let the relay take it from
   *     the body
   * @param body the body, one JSON value of UTF-8 without line breaks
   */
  public static byte[] write(long seq, String type, byte[] body) {
    int head = SEQ.length + Bytes.digits(seq)
        + (type == null ? BODY.length : TYPE.length + type.length() + TYPED_BODY.length);
    byte[] line = new byte[head + body.length + 1];
    int at = Bytes.put(line, 0, SEQ);
    at = Bytes.putLong(line, at, seq);
    if (type == null) {
      at = Bytes.put(line, at, BODY);
    } else {
      at = Bytes.put(line, at, TYPE);
      at = Bytes.putAscii(line, at, type);
      at = Bytes.put(line, at, TYPED_BODY);
    }
    System.arraycopy(body, 0, line, at, body.length);
    line[line.length - 1] = '}';
    return line;
  }

  /**
   * The typed emit starting at {@code f[at]} and ending before {@code to}, when laid out exactly as
   * {@link #write} lays it out and its body is one whole JSON value ({@link JsonScan}); otherwise
   * null. The emit ends at {@code bodyTo + 1}.
   */
  public static EmitLine read(byte[] f, int at, int to) {
    Bytes.Cursor c = new Bytes.Cursor().at(f, at, to);
    if (!c.skip(SEQ)) return null;
    long seq = c.digits();
    if (seq < 0 || !c.skip(TYPE)) return null;
    String type = c.type();
    if (type == null || !c.skip(TYPED_BODY)) return null;
    int bodyEnd = JsonScan.valueEnd(f, c.pos, to);
    if (bodyEnd < 0 || bodyEnd >= to || f[bodyEnd] != '}') return null;
    return new EmitLine(seq, type, c.pos, bodyEnd);
  }
}
