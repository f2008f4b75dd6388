package org.universis.racket.relay.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The frame codec both ends use: what a client writes, the relay reads, and the other way round,
 * byte for byte as RFC 6455 gives its examples (section 5.7), in all three length forms.
 */
class WsFramesTest {

  private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);

  @Test
  void aServerFrameIsWrittenAsTheRfcExampleAndReadByAClient() {
    byte[] frame = serverFrame(WsFrames.TEXT, HELLO);
    assertArrayEquals(new byte[] {(byte) 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, frame);
    FrameHead head = new FrameHead();
    assertNull(head.read(ByteBuffer.wrap(frame), 0, false));
    assertTrue(head.fin());
    assertEquals(WsFrames.TEXT, head.opcode());
    assertEquals(5, head.length());
    assertEquals(2, head.size());
    assertEquals("frames from a server must not be masked",
        head.read(ByteBuffer.wrap(clientFrame(WsFrames.TEXT, HELLO)), 0, false));
  }

  @Test
  void aClientFrameIsWrittenAsTheRfcExampleAndReadByTheRelay() {
    ByteBuffer buffer = ByteBuffer.allocate(WsFrames.CLIENT_HEAD_ROOM + HELLO.length);
    buffer.put(WsFrames.CLIENT_HEAD_ROOM, HELLO);
    int start = WsFrames.writeMaskedHead(buffer, WsFrames.CLIENT_HEAD_ROOM, HELLO.length, WsFrames.TEXT, 0x37fa213d);
    byte[] frame = Arrays.copyOfRange(buffer.array(), start, buffer.capacity());
    assertArrayEquals(new byte[] {(byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d,
        0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58}, frame);
    assertEquals("Hello", new String(clientPayloadAsTheRelayReadsIt(frame), StandardCharsets.US_ASCII));
    assertEquals("frames from a client must be masked",
        new FrameHead().read(ByteBuffer.wrap(serverFrame(WsFrames.TEXT, HELLO)), 0, true));
  }

  @Test
  void lengthsTakeTheirShortestFormBothWays() {
    // RFC 6455, 5.7: 256 bytes in a 16-bit length, 65536 in a 64-bit one.
    assertArrayEquals(new byte[] {(byte) 0x82, 0x7e, 0x01, 0x00},
        Arrays.copyOf(serverFrame(WsFrames.BINARY, new byte[256]), 4));
    assertArrayEquals(new byte[] {(byte) 0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0},
        Arrays.copyOf(serverFrame(WsFrames.BINARY, new byte[65536]), 10));
    for (int length : new int[] {0, 1, 125, 126, 127, 65535, 65536, 1 << 20}) {
      byte[] payload = new byte[length];
      ThreadLocalRandom.current().nextBytes(payload);
      int form = length <= 125 ? 2 : length <= 65535 ? 4 : 10;
      byte[] server = serverFrame(WsFrames.TEXT, payload);
      assertEquals(form + length, server.length, "server frame of " + length);
      FrameHead head = new FrameHead();
      assertEquals(form, FrameHead.size(server[1]));
      assertNull(head.read(ByteBuffer.wrap(server), 0, false));
      assertEquals(length, head.length());
      assertArrayEquals(payload, Arrays.copyOfRange(server, head.size(), server.length));
      byte[] client = clientFrame(WsFrames.TEXT, payload);
      assertEquals(form + 4 + length, client.length, "client frame of " + length);
      assertArrayEquals(payload, clientPayloadAsTheRelayReadsIt(client), "client frame of " + length);
    }
  }

  @Test
  void maskingHandlesEveryLengthAndOffsetAndUndoesItself() {
    int mask = 0x12345678;
    byte[] key = {0x12, 0x34, 0x56, 0x78};
    for (int length = 0; length < 40; length++) {
      for (int offset = 0; offset < 8; offset++) {
        byte[] plain = new byte[length];
        ThreadLocalRandom.current().nextBytes(plain);
        ByteBuffer buffer = ByteBuffer.allocate(offset + length);
        buffer.put(offset, plain);
        WsFrames.mask(buffer, offset, length, mask);
        for (int i = 0; i < length; i++) {
          assertEquals((byte) (plain[i] ^ key[i % 4]), buffer.get(offset + i), "length " + length + ", byte " + i);
        }
        WsFrames.mask(buffer, offset, length, mask);
        assertArrayEquals(plain, Arrays.copyOfRange(buffer.array(), offset, offset + length));
      }
    }
  }

  @Test
  void controlFramesAreWholeAndAtMost125Bytes() {
    FrameHead head = new FrameHead();
    assertNull(head.read(ByteBuffer.wrap(clientFrame(WsFrames.PING, new byte[125])), 0, true));
    assertTrue(head.isControl());
    String tooLong = "a control frame must be whole and at most 125 bytes";
    assertEquals(tooLong, head.read(ByteBuffer.wrap(clientFrame(WsFrames.PING, new byte[126])), 0, true));
    assertEquals(tooLong, head.read(ByteBuffer.wrap(serverFrame(WsFrames.PONG, new byte[126])), 0, false));
    byte[] fragmented = serverFrame(WsFrames.CLOSE, new byte[2]);
    fragmented[0] &= 0x7f;
    assertEquals(tooLong, head.read(ByteBuffer.wrap(fragmented), 0, false));
    byte[] text = serverFrame(WsFrames.TEXT, HELLO);
    text[0] &= 0x7f; // a data frame may be fragmented
    assertNull(head.read(ByteBuffer.wrap(text), 0, false));
    assertFalse(head.fin());
  }

  @Test
  void aClosePayloadKeepsItsCodeAndAsMuchReasonAsFits() {
    byte[] payload = WsFrames.closePayload(1008, "x".repeat(200));
    assertEquals(WsFrames.MAX_CONTROL, payload.length);
    ByteBuffer read = ByteBuffer.wrap(payload);
    assertEquals(1008, WsFrames.closeCode(read, 0, payload.length));
    assertEquals("x".repeat(123), WsFrames.closeReason(read, 0, payload.length));
    assertArrayEquals(new byte[] {0x03, (byte) 0xe8}, WsFrames.closePayload(1000, ""));
    assertEquals(WsFrames.NO_STATUS, WsFrames.closeCode(ByteBuffer.allocate(0), 0, 0));
    assertEquals("", WsFrames.closeReason(ByteBuffer.wrap(new byte[] {0x03, (byte) 0xe8}), 0, 2));
  }

  @Test
  void unknownOpcodesExtensionBitsAndLengthsOver63BitsAreCaught() {
    FrameHead head = new FrameHead();
    for (int opcode : new int[] {3, 7, 11, 15}) {
      assertEquals("unknown opcode " + opcode,
          head.read(ByteBuffer.wrap(serverFrame(opcode, new byte[0])), 0, false));
    }
    for (int bit : new int[] {0x40, 0x20, 0x10}) {
      byte[] frame = clientFrame(WsFrames.TEXT, HELLO);
      frame[0] |= bit;
      assertEquals("a frame with extension bits (no extension was agreed)", head.read(ByteBuffer.wrap(frame), 0, true));
    }
    ByteBuffer huge = ByteBuffer.allocate(FrameHead.MAX_SIZE)
        .put(0, (byte) 0x81).put(1, (byte) 0xff).putLong(2, -1L).putInt(10, 0x01020304);
    assertEquals(FrameHead.MAX_SIZE, FrameHead.size(huge.get(1)));
    assertNull(head.read(huge, 0, true));
    assertTrue(head.length() < 0, "the reader refuses it against its own limit");
    assertEquals(0x01020304, head.mask());
  }

  private static byte[] serverFrame(int opcode, byte[] payload) {
    ByteBuffer buffer = ByteBuffer.allocate(WsFrames.SERVER_HEAD_ROOM + payload.length);
    buffer.put(WsFrames.SERVER_HEAD_ROOM, payload);
    int start = WsFrames.writeHead(buffer, WsFrames.SERVER_HEAD_ROOM, payload.length, opcode);
    return Arrays.copyOfRange(buffer.array(), start, buffer.capacity());
  }

  private static byte[] clientFrame(int opcode, byte[] payload) {
    ByteBuffer buffer = ByteBuffer.allocate(WsFrames.CLIENT_HEAD_ROOM + payload.length);
    buffer.put(WsFrames.CLIENT_HEAD_ROOM, payload);
    int start = WsFrames.writeMaskedHead(buffer, WsFrames.CLIENT_HEAD_ROOM, payload.length, opcode,
        ThreadLocalRandom.current().nextInt());
    return Arrays.copyOfRange(buffer.array(), start, buffer.capacity());
  }

  // As the relay reads a client's frame: the head, then the payload unmasked in place.
  private static byte[] clientPayloadAsTheRelayReadsIt(byte[] frame) {
    ByteBuffer in = ByteBuffer.wrap(frame);
    FrameHead head = new FrameHead();
    assertNull(head.read(in, 0, true));
    assertEquals(frame.length - head.size(), head.length());
    WsFrames.mask(in, head.size(), (int) head.length(), head.mask());
    return Arrays.copyOfRange(frame, head.size(), frame.length);
  }
}
