package org.universis.racket.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's internals from {@code racket/inst/} inside the agent jar, where class files are
 * stored as {@code .classdata} so that no other class loader can find them. Its parent is the
 * platform class loader: the agent sees the JDK and its own copies of everything else, never the
 * application's classes, and the application never sees the agent's.
 *
 * <p>Multi-release jars (Jackson, Byte Buddy) keep their {@code META-INF/versions/N/} entries under
 * {@code racket/inst/}; this loader picks the newest one the running JVM supports, as a JDK jar
 * loader would.
 */
final class AgentClassLoader extends ClassLoader {

  static {
    registerAsParallelCapable();
  }

  private static final String ROOT = "racket/inst/";
  private static final String VERSIONS = ROOT + "META-INF/versions/";

  private final JarFile jar;
  private final String base;
  private final ProtectionDomain domain;
  private final int[] versions;

  AgentClassLoader(Path agentJar) throws IOException {
    super("racket-agent", ClassLoader.getPlatformClassLoader());
    this.jar = new JarFile(agentJar.toFile(), false);
    URL location = agentJar.toUri().toURL();
    this.base = "jar:" + location + "!/";
    this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
    this.versions = versionsPresent();
  }

  /** An entry of the agent jar, by its full name. */
  byte[] read(String entryName) throws IOException {
    JarEntry entry = jar.getJarEntry(entryName);
    if (entry == null) throw new IOException("the agent jar has no " + entryName);
    try (InputStream in = jar.getInputStream(entry)) {
      return in.readAllBytes();
    }
  }

  // Newest first; only the versions this jar has, so a class costs one lookup per such version.
  private int[] versionsPresent() {
    int[] found = new int[Runtime.version().feature()];
    int n = 0;
    for (int v = Runtime.version().feature(); v >= 9; v--) {
      if (jar.getEntry(VERSIONS + v + "/") != null) found[n++] = v;
    }
    return Arrays.copyOf(found, n);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = entry(name.replace('.', '/') + ".class");
    if (entry == null) throw new ClassNotFoundException(name);
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new ClassNotFoundException(name + ": cannot read " + entry.getName(), e);
    }
    definePackageOf(name);
    return defineClass(name, bytes, 0, bytes.length, domain);
  }

  private void definePackageOf(String className) {
    int dot = className.lastIndexOf('.');
    if (dot < 0) return;
    String pkg = className.substring(0, dot);
    if (getDefinedPackage(pkg) != null) return;
    try {
      definePackage(pkg, null, null, null, null, null, null, null);
    } catch (IllegalArgumentException definedMeanwhile) {
      // another thread defined it: fine
    }
  }

  @Override
  protected URL findResource(String name) {
    JarEntry entry = entry(name);
    if (entry == null) return null;
    try {
      return new URL(base + entry.getName());
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(url));
  }

  // Byte Buddy reads advice class files through this: serve them straight from the open jar.
  @Override
  public InputStream getResourceAsStream(String name) {
    InputStream in = getParent().getResourceAsStream(name);
    if (in != null) return in;
    JarEntry entry = entry(name);
    try {
      return entry == null ? null : jar.getInputStream(entry);
    } catch (IOException e) {
      return null;
    }
  }

  private JarEntry entry(String resource) {
    String stored = resource.endsWith(".class")
        ? resource.substring(0, resource.length() - ".class".length()) + ".classdata"
        : resource;
    for (int v : versions) {
      JarEntry e = jar.getJarEntry(VERSIONS + v + "/" + stored);
      if (e != null) return e;
    }
    return jar.getJarEntry(ROOT + stored);
  }
}
