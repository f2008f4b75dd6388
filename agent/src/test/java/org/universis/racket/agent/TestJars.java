package org.universis.racket.agent;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Builds the jars the child JVMs run, from the test's compiled classes. */
final class TestJars {

  private TestJars() {}

  /** A jar of {@code classes} and their nested classes, with {@code mainClass} when not null. */
  static Path jar(Path file, Class<?> mainClass, Class<?>... classes) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass.getName());
    Files.createDirectories(file.getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file), manifest)) {
      for (Class<?> c : classes) addClass(out, c, "");
    }
    return file;
  }

  /** Adds {@code c} and its nested classes under {@code prefix} (for example {@code BOOT-INF/classes/}). */
  static void addClass(JarOutputStream out, Class<?> c, String prefix) throws IOException {
    Path classFile = classFile(c);
    String simple = classFile.getFileName().toString().replace(".class", "");
    String dir = c.getPackageName().replace('.', '/') + "/";
    try (Stream<Path> siblings = Files.list(classFile.getParent())) {
      for (Path p : (Iterable<Path>) siblings::iterator) {
        String fileName = p.getFileName().toString();
        if (fileName.equals(simple + ".class") || fileName.startsWith(simple + "$")) {
          out.putNextEntry(new JarEntry(prefix + dir + fileName));
          Files.copy(p, out);
          out.closeEntry();
        }
      }
    }
  }

  /** Where the class path has {@code c}: a directory or a jar. */
  static Path location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path classFile(Class<?> c) {
    Path root = location(c);
    if (!Files.isDirectory(root)) throw new IllegalStateException(c + " is not in a directory: " + root);
    return root.resolve(c.getName().replace('.', '/') + ".class");
  }

  /** A jar of a class-path directory or a copy of a jar: how an app would ship a library. */
  static Path libraryJar(Path location, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    if (!Files.isDirectory(location)) return Files.copy(location, file);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file));
        Stream<Path> all = Files.walk(location)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isDirectory(p)) continue;
        out.putNextEntry(new JarEntry(location.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    return file;
  }
}
