package org.universis.racket.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.springframework.boot.loader.launch.JarLauncher;

/**
 * An executable Spring Boot fat jar, laid out as the Boot build plugins lay it out: the loader's
 * classes at the root, the app in {@code BOOT-INF/classes/}, its libraries stored (uncompressed)
 * in {@code BOOT-INF/lib/}.
 */
final class SpringBootJar {

  private SpringBootJar() {}

  static Path build(Path file, Class<?> startClass, Path... libs) throws IOException {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.put(Attributes.Name.MAIN_CLASS, JarLauncher.class.getName());
    main.putValue("Start-Class", startClass.getName());
    main.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
    main.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file), manifest)) {
      copyLoader(out);
      // Boot finds the app's classes by the directory entry BOOT-INF/classes/, as its plugins write it.
      String dir = "BOOT-INF/classes/";
      out.putNextEntry(new JarEntry("BOOT-INF/"));
      out.putNextEntry(new JarEntry(dir));
      for (String part : startClass.getPackageName().split("\\.")) {
        dir += part + "/";
        out.putNextEntry(new JarEntry(dir));
      }
      out.putNextEntry(new JarEntry("BOOT-INF/lib/"));
      TestJars.addClass(out, startClass, "BOOT-INF/classes/");
      for (Path lib : libs) stored(out, "BOOT-INF/lib/" + lib.getFileName(), Files.readAllBytes(lib));
    }
    return file;
  }

  private static void copyLoader(JarOutputStream out) throws IOException {
    try (JarFile loader = new JarFile(TestJars.location(JarLauncher.class).toFile())) {
      for (Enumeration<JarEntry> e = loader.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (entry.isDirectory() || !entry.getName().startsWith("org/")) continue;
        out.putNextEntry(new JarEntry(entry.getName()));
        try (InputStream in = loader.getInputStream(entry)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
  }

  private static void stored(JarOutputStream out, String name, byte[] bytes) throws IOException {
    JarEntry entry = new JarEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(bytes.length);
    entry.setCompressedSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    entry.setCrc(crc.getValue());
    out.putNextEntry(entry);
    out.write(bytes);
    out.closeEntry();
  }
}
