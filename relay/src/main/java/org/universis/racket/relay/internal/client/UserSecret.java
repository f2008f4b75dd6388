package org.universis.racket.relay.internal.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.Log;

/**
 * The per-user secret that keeps other local users away from a relay nobody configured
 * (docs/SECURITY.md, Other local users): 32 random bytes as hex in {@code racket/token} under
 * {@code $XDG_RUNTIME_DIR} (else under {@code ~/.cache}), a directory and a file only this user may
 * read. The first JVM creates it atomically; every JVM checks its owner and permissions before
 * using it. A relay hosted in {@code auto} or {@code relay} mode takes it as its token, and every
 * client without a token proves it in the handshake.
 */
public final class UserSecret {

  static final String FILE = "token";
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static String cached; // guarded by the class
  private static boolean failed; // the failure was logged once

  private UserSecret() {}

  /**
   * The secret a client or hosted relay uses: the token option if set, else this user's secret;
   * {@code null} when that cannot be had (logged once: then nothing keeps other users out).
   */
  public static String of(RacketOptions options) {
    return options.token() != null ? options.token() : forThisUser();
  }

  private static synchronized String forThisUser() {
    if (cached != null) return cached;
    Path dir = directory();
    try {
      cached = load(dir);
    } catch (IOException | RuntimeException e) {
      if (!failed) {
        failed = true;
        Log.warn("racket cannot use the per-user secret in " + dir + ": " + e.getMessage()
            + "; without it other local users can reach an auto-hosted relay. Fix the directory,"
            + " or set the token option (token or token-file) in every JVM");
      }
      return null;
    }
    return cached;
  }

  /** {@code $XDG_RUNTIME_DIR/racket}, else {@code ~/.cache/racket}. */
  static Path directory() {
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    Path base = runtime != null && !runtime.isBlank() ? Path.of(runtime)
        : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("racket");
  }

  /** Reads the secret in {@code dir}, creating the directory and the file if absent. */
  static String load(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir.getParent());
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      } catch (FileAlreadyExistsException e) {
        // another JVM made it first: checked below like any other
      }
    }
    checkOwnerOnly(dir, true);
    Path file = dir.resolve(FILE);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) create(file);
    checkOwnerOnly(file, false);
    String secret;
    try {
      secret = RacketOptions.readTokenFile(file.toString()); // read as a token-file option reads it
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage() + "; delete it to have a new one made", e);
    }
    if (!secret.matches("[0-9a-f]{64}")) {
      throw new IOException(file + " does not hold 64 hex digits; delete it to have a new one made");
    }
    return secret;
  }

  // Written whole under a temporary name, then linked to its name: link(2) fails if the name
  // exists, so JVMs racing here all end up with the first one's secret, never half a file.
  private static void create(Path file) throws IOException {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    Path temp = Files.createTempFile(file.getParent(), ".token-", ".tmp",
        PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
    try {
      Files.writeString(temp, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException e) {
      // another JVM made it first
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void checkOwnerOnly(Path path, boolean directory) throws IOException {
    PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (directory ? !a.isDirectory() : !a.isRegularFile()) {
      throw new IOException(path + " is not a " + (directory ? "directory" : "regular file"));
    }
    UserPrincipal me = path.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(System.getProperty("user.name"));
    if (!a.owner().equals(me)) throw new IOException(path + " belongs to " + a.owner().getName() + ", not to " + me.getName());
    Set<PosixFilePermission> others = new HashSet<>(a.permissions());
    others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    if (!others.isEmpty()) {
      throw new IOException(path + " may be read by others (" + PosixFilePermissions.toString(a.permissions())
          + "); it must be " + (directory ? "rwx------" : "rw-------"));
    }
  }
}
