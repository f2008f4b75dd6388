package org.universis.racket.agent.apps;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs an application the way a web container runs a web app: in a child-first class loader over
 * its own jars, here the app and its own copy of racket-api, which shadows the one the agent jar
 * puts on the class path.
 *
 * <p>{@code ChildFirstLauncher <jar>:<jar>... <main class> [args]}
 */
public final class ChildFirstLauncher {

  public static void main(String[] args) throws Exception {
    String[] jars = args[0].split(":");
    URL[] urls = new URL[jars.length];
    for (int i = 0; i < jars.length; i++) urls[i] = Path.of(jars[i]).toUri().toURL();
    ClassLoader loader = new ChildFirst(urls, ChildFirstLauncher.class.getClassLoader());
    Thread.currentThread().setContextClassLoader(loader);
    Class.forName(args[1], true, loader).getMethod("main", String[].class)
        .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }

  static final class ChildFirst extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    ChildFirst(URL[] urls, ClassLoader parent) {
      super("child-first", urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null && !name.startsWith("java.")) {
          try {
            c = findClass(name);
          } catch (ClassNotFoundException notMine) {
            // the parent's, then
          }
        }
        if (c == null) c = super.loadClass(name, false);
        if (resolve) resolveClass(c);
        return c;
      }
    }
  }
}
