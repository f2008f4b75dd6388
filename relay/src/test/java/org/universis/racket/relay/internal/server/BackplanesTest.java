package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The backplane option: its implementation found or named, its password never shown; its entries. */
class BackplanesTest {

  @Test
  void aMissingImplementationIsNamedAndThePasswordIsNot() {
    ClassLoader bare = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Backplanes.provider("redis://u:s3cret@127.0.0.1:6390/2", bare));
    assertTrue(e.getMessage().contains("racket-backplane-redis.jar"), e.getMessage());
    assertTrue(e.getMessage().contains("redis://127.0.0.1:6390/2"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void anEntryCarriesWhatEveryRelayNeedsToBuildTheSameEnvelope() {
    byte[] frame = "xx{\"n\":1}yy".getBytes(StandardCharsets.UTF_8);
    byte[] origin = "{\"id\":\"o\"}".getBytes(StandardCharsets.UTF_8);
    BackplaneEntry e = BackplaneEntry.decode(BackplaneEntry.encode(new Emit("cache.put", frame, 2, 9, 17), origin, 1234));
    assertEquals("cache.put", e.type());
    assertArrayEquals(origin, e.origin());
    assertEquals(17, e.seq());
    assertEquals(1234, e.time());
    assertEquals("{\"n\":1}", new String(e.body(), StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class, () -> BackplaneEntry.decode(new byte[] {9, 9}));
  }
}
