package org.universis.racket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RacketOptionsTest {

  @AfterEach
  void clearProperties() {
    System.clearProperty("racket.url");
    System.clearProperty("racket.queue");
    System.clearProperty("racket.token-file");
    System.clearProperty("racket.emit-timeout");
  }

  @Test
  void defaultsPointAtTheLocalRelay() {
    RacketOptions o = RacketOptions.builder().build();
    assertEquals("http://localhost:14440", o.url().toString());
    assertEquals(RacketOptions.Mode.AUTO, o.mode());
    assertNull(o.name());
    assertEquals(10_000, o.buffer());
    assertEquals(java.time.Duration.ofSeconds(10), o.emitTimeout());
    assertEquals(100_000, o.queue());
    assertEquals(64L << 20, o.queueBytes());
  }

  @Test
  void emitTimeoutAndQueueBytesReadUnits() {
    RacketOptions.Builder b = RacketOptions.builder();
    assertEquals(500, b.set("emit-timeout", "500ms").build().emitTimeout().toMillis());
    assertEquals(10_000, b.set("emit-timeout", "10s").build().emitTimeout().toMillis());
    assertEquals(120_000, b.set("emit-timeout", "2m").build().emitTimeout().toMillis());
    assertEquals(1_500, b.set("emit-timeout", "1500").build().emitTimeout().toMillis());
    assertEquals(512L << 10, b.set("queue-bytes", "512k").build().queueBytes());
    assertEquals(64L << 20, b.set("queue-bytes", "64m").build().queueBytes());
    assertEquals(65_536, b.set("queue-bytes", "65536").build().queueBytes());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.set("emit-timeout", "soon"))
        .getMessage().contains("emit-timeout 'soon' is not a duration"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.set("queue-bytes", "lots"))
        .getMessage().contains("queue-bytes 'lots' is not a size"));
  }

  @Test
  void theEmitTimeoutComesFromItsSystemPropertyAndRoundTripsThroughTheMap() {
    System.setProperty("racket.emit-timeout", "250ms");
    RacketOptions o = RacketOptions.defaults();
    assertEquals(250, o.emitTimeout().toMillis());
    RacketOptions.Builder again = RacketOptions.builder();
    o.toMap().forEach(again::set);
    assertEquals(o, again.build());
  }

  @Test
  void urlTrailingSlashIsDropped() {
    assertEquals("http://localhost:12345",
        RacketOptions.builder().url("http://localhost:12345/").build().url().toString());
  }

  @Test
  void systemPropertiesAreReadAndTheBuilderWins() {
    System.setProperty("racket.url", "http://127.0.0.1:9999");
    System.setProperty("racket.queue", "7");
    RacketOptions fromEnvironment = RacketOptions.defaults();
    assertEquals("http://127.0.0.1:9999", fromEnvironment.url().toString());
    assertEquals(7, fromEnvironment.queue());
    assertEquals(8, fromEnvironment.newBuilder().queue(8).build().queue());
  }

  @Test
  void aBadSystemPropertyNamesItself() {
    System.setProperty("racket.queue", "lots");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, RacketOptions::builder);
    assertTrue(e.getMessage().contains("racket.queue"), e.getMessage());
  }

  @Test
  void unknownKeysListTheValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RacketOptions.builder().set("colour", "red"));
    assertTrue(e.getMessage().contains("url, mode, name, token, token-file, buffer, emit-timeout,"
        + " queue, queue-bytes, tls-ca"), e.getMessage());
  }

  @Test
  void badValuesSayWhatIsExpected() {
    RacketOptions.Builder b = RacketOptions.builder();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.set("mode", "sometimes"))
        .getMessage().contains("auto, client, relay, off"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.set("url", "ftp://x"))
        .getMessage().contains("http://host:port"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.set("buffer", "0"))
        .getMessage().contains("at least 1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.set("token", "a\r\nX-Evil: 1"))
        .getMessage().contains("printable ASCII"));
  }

  @Test
  void aTokenFileGivesTheTokenFromEverySourceAndStaysHidden(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "fr0m-a-file\n");
    RacketOptions set = RacketOptions.builder().set("token-file", file.toString()).build();
    assertEquals("fr0m-a-file", set.token());
    assertFalse(set.toString().contains("fr0m-a-file"), set.toString());
    System.setProperty("racket.token-file", file.toString());
    assertEquals("fr0m-a-file", RacketOptions.defaults().token());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> RacketOptions.builder().set("token-file", dir.resolve("absent").toString()));
    assertTrue(missing.getMessage().contains("token-file"), missing.getMessage());
    Files.writeString(file, "\n");
    assertThrows(IllegalArgumentException.class, () -> RacketOptions.builder().set("token-file", file.toString()));
  }

  @Test
  void toStringHidesTheToken() {
    RacketOptions o = RacketOptions.builder().token("s3cret").build();
    assertFalse(o.toString().contains("s3cret"));
    assertEquals("s3cret", o.toMap().get("token"));
  }

  @Test
  void theBackplaneIsAnOptionWhosePasswordToStringHides() {
    RacketOptions o = RacketOptions.builder().set("backplane", "redis://racket:pw0rd@10.0.0.5:6379/1").build();
    assertEquals("redis://racket:pw0rd@10.0.0.5:6379/1", o.backplane());
    assertFalse(o.toString().contains("pw0rd"), o.toString());
    assertTrue(o.toString().contains("10.0.0.5:6379/1"), o.toString());
    assertEquals(o, o.newBuilder().build());
    assertNull(RacketOptions.builder().backplane(" ").build().backplane());
  }

  @Test
  void optionsAreValuesThatRoundTripThroughTheirBuilder() {
    RacketOptions o = RacketOptions.builder().name("orders").mode(RacketOptions.Mode.CLIENT).build();
    assertEquals(o, o.newBuilder().build());
    assertEquals(o.hashCode(), o.newBuilder().build().hashCode());
  }

  @Test
  void tlsCaIsAReadableFileCarriedAsText(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "pem");
    RacketOptions o = RacketOptions.builder().set("tls-ca", ca.toString()).build();
    assertEquals(ca, o.tlsCa());
    assertEquals(ca.toString(), o.toMap().get("tls-ca"));
    assertEquals(o, o.newBuilder().build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RacketOptions.builder().set("tls-ca", dir.resolve("missing.pem").toString()));
    assertTrue(e.getMessage().startsWith("tls-ca '") && e.getMessage().endsWith("' is not a readable file"),
        e.getMessage());
    assertNull(RacketOptions.builder().build().tlsCa());
  }
}
