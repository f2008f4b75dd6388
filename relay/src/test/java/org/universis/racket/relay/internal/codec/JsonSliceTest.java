package org.universis.racket.relay.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonSliceTest {

  @Test
  void isUtf8AgreesWithTheJdksStrictDecoderOnEverySequenceUpToFourBytes() {
    // Every lead byte, with second bytes at the edges of every range a lead allows, then a
    // continuation or not, cut short at each length.
    int[] seconds = {0x00, 'a', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
    byte[] tails = {(byte) 0x80, (byte) 0xBF, 'a', (byte) 0xC0};
    for (int lead = 0; lead < 256; lead++) {
      for (int second : seconds) {
        for (byte third : tails) {
          for (byte fourth : tails) {
            byte[] b = {'x', (byte) lead, (byte) second, third, fourth, 'y'};
            for (int to = 1; to <= b.length; to++) {
              assertEquals(jdk(b, to), JsonSlice.isUtf8(b, 0, to),
                  () -> String.format("%02x %02x %02x %02x", b[1], b[2], b[3], b[4]));
            }
          }
        }
      }
    }
  }

  private static boolean jdk(byte[] b, int to) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, 0, to));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
