package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.RacketOptions;

/** This user's secret (docs/SECURITY.md, Other local users): made once, kept to this user. */
class UserSecretTest {

  @TempDir Path home;

  @Test
  void theFirstUseMakesAnOwnerOnlyDirectoryAndFileAndLaterUsesReadIt() throws Exception {
    Path dir = home.resolve("runtime").resolve("racket");
    String secret = UserSecret.load(dir);
    assertTrue(secret.matches("[0-9a-f]{64}"), secret);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve(UserSecret.FILE))));
    assertEquals(secret, UserSecret.load(dir));
    try (var left = Files.list(dir)) {
      assertEquals(List.of(dir.resolve(UserSecret.FILE)), left.toList(), "no temporary file left");
    }
  }

  @Test
  void jvmsRacingToMakeItAllGetTheSameSecret() throws Exception {
    Path dir = home.resolve("racket");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<String>> loads = new ArrayList<>();
      for (int i = 0; i < 16; i++) loads.add(() -> UserSecret.load(dir));
      Set<String> secrets = new HashSet<>();
      for (Future<String> f : pool.invokeAll(loads)) secrets.add(f.get());
      assertEquals(1, secrets.size(), secrets.toString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDirectoryOrFileOthersCouldReadIsRefusedNotUsed() throws Exception {
    Path dir = home.resolve("open");
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    IOException open = assertThrows(IOException.class, () -> UserSecret.load(dir));
    assertTrue(open.getMessage().contains("rwx------"), open.getMessage());

    Path shut = home.resolve("shut");
    UserSecret.load(shut);
    Files.setPosixFilePermissions(shut.resolve(UserSecret.FILE), PosixFilePermissions.fromString("rw-r--r--"));
    IOException readable = assertThrows(IOException.class, () -> UserSecret.load(shut));
    assertTrue(readable.getMessage().contains("rw-------"), readable.getMessage());
  }

  @Test
  void theSecretIsReadAsTheTokenFileOptionReadsTheSameFile() throws Exception {
    Path dir = home.resolve("noted");
    String secret = UserSecret.load(dir);
    Path file = dir.resolve(UserSecret.FILE);
    Files.writeString(file, " " + secret + "\nwritten by racket\n");
    assertEquals(RacketOptions.readTokenFile(file.toString()), UserSecret.load(dir));
    assertEquals(secret, UserSecret.load(dir));
  }

  @Test
  void aSymbolicLinkInPlaceOfTheFileIsRefused() throws Exception {
    Path elsewhere = home.resolve("elsewhere");
    Files.writeString(elsewhere, "0".repeat(64));
    Path dir = home.resolve("linked");
    UserSecret.load(dir);
    Files.delete(dir.resolve(UserSecret.FILE));
    Files.createSymbolicLink(dir.resolve(UserSecret.FILE), elsewhere);
    IOException linked = assertThrows(IOException.class, () -> UserSecret.load(dir));
    assertTrue(linked.getMessage().contains("not a regular file"), linked.getMessage());
  }
}
