package org.universis.racket.agent.internal;

import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.ByteCodeAppender;
import net.bytebuddy.implementation.bytecode.constant.ClassConstant;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import org.universis.racket.bridge.RacketBridge;
import org.universis.racket.relay.internal.Log;

/**
 * Weaves the subscription of {@code @OnProcessEvent} methods into the classes that declare them:
 * a call to {@link RacketBridge#registerStatic} in the type initializer, and to
 * {@link RacketBridge#registerInstance} at the end of every constructor.
 *
 * <p>Start-up cost: Byte Buddy takes a few hundred milliseconds to load, so premain installs only
 * this plain transformer, which looks for the annotation's name in the class file bytes (a class
 * that uses the annotation must name it in its constant pool). Byte Buddy is loaded when the first
 * such class is, so an application without handlers never pays for it.
 */
final class HandlerTransformer implements ClassFileTransformer {

  private static final byte[] MARKER =
      ("L" + HandlerMethod.ANNOTATION.replace('.', '/') + ";").getBytes(StandardCharsets.ISO_8859_1);

  private final ClassLoader own = HandlerTransformer.class.getClassLoader();
  private volatile Weaver weaver;
  /** Classes loaded before an attach: retransforming them may not add a type initializer. */
  private final Set<Class<?>> adopted =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  @Override
  public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
      ProtectionDomain domain, byte[] bytes) {
    if (loader == null || loader == own || !contains(bytes, MARKER)) return null;
    boolean preAttach = redefined != null && adopted.contains(redefined);
    try {
      return weaver().weave(name, loader, bytes, !preAttach);
    } catch (Throwable t) {
      Log.warn("cannot weave @OnProcessEvent subscriptions into " + name, t);
      return null;
    }
  }

  /**
   * After an attach: subscribes the static handlers of classes loaded before the agent, and weaves
   * their constructors by retransformation (which may change method bodies only).
   */
  void adoptLoadedClasses(Instrumentation inst, HandlerRegistry registry) {
    List<Class<?>> withInstanceHandlers = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.getClassLoader() == null || c.getClassLoader() == own || c.isArray()) continue;
      List<HandlerMethod> handlers;
      try {
        handlers = HandlerMethod.declaredBy(c);
      } catch (Throwable unresolvable) {
        continue; // a class whose method signatures cannot be resolved has no handler we can call
      }
      if (handlers.isEmpty()) continue;
      registry.registerStatic(c);
      if (handlers.stream().anyMatch(h -> !h.isStatic()) && inst.isModifiableClass(c)) {
        withInstanceHandlers.add(c);
      }
    }
    if (withInstanceHandlers.isEmpty()) return;
    adopted.addAll(withInstanceHandlers);
    try {
      inst.retransformClasses(withInstanceHandlers.toArray(Class<?>[]::new));
    } catch (Throwable t) {
      Log.warn("cannot weave the constructors of classes loaded before the attach", t);
    }
  }

  private Weaver weaver() throws NoSuchMethodException {
    Weaver w = weaver;
    if (w == null) {
      synchronized (this) {
        if (weaver == null) weaver = new Weaver();
        w = weaver;
      }
    }
    return w;
  }

  static boolean contains(byte[] bytes, byte[] marker) {
    byte first = marker[0];
    int last = bytes.length - marker.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (bytes[i] != first) continue;
      for (int j = 1; j < marker.length; j++) {
        if (bytes[i + j] != marker[j]) continue outer;
      }
      return true;
    }
    return false;
  }

  /**
   * Byte Buddy used directly rather than through AgentBuilder: the marker test above already picks
   * the classes, and AgentBuilder's defaults reach for sun.misc.Unsafe, which JDK 24+ warns about.
   */
  private static final class Weaver {
    private static final ElementMatcher.Junction<MethodDescription> HANDLER =
        isAnnotatedWith(named(HandlerMethod.ANNOTATION));

    private final ByteBuddy byteBuddy = new ByteBuddy().with(TypeValidation.DISABLED);
    private final AsmVisitorWrapper.ForDeclaredMethods constructors =
        Advice.to(InstanceAdvice.class).on(isConstructor());
    private final MethodDescription registerStatic;

    Weaver() throws NoSuchMethodException {
      registerStatic = new MethodDescription.ForLoadedMethod(
          RacketBridge.class.getMethod("registerStatic", Class.class));
    }

    /**
     * The class with the subscriptions woven in, or null when it declares no handler. Without
     * {@code initializer} (a class loaded before an attach), static handlers are left alone.
     */
    byte[] weave(String internalName, ClassLoader loader, byte[] bytes, boolean initializer) {
      String name = internalName.replace('/', '.');
      ClassFileLocator locator = new ClassFileLocator.Compound(
          ClassFileLocator.Simple.of(name, bytes), ClassFileLocator.ForClassLoader.of(loader));
      TypePool pool = TypePool.Default.of(locator);
      TypeDescription type = pool.describe(name).resolve();
      MethodList<MethodDescription.InDefinedShape> handlers = type.getDeclaredMethods().filter(HANDLER);
      if (handlers.isEmpty()) return null;
      DynamicType.Builder<?> b = byteBuddy.redefine(type, locator);
      if (!handlers.filter(not(isStatic())).isEmpty()) b = b.visit(constructors);
      if (initializer && !handlers.filter(isStatic()).isEmpty()) {
        // First thing in the type initializer, which this adds when the class has none. A handler
        // called meanwhile from a racket thread waits for the initialisation like any other caller.
        b = b.initializer(new ByteCodeAppender.Simple(ClassConstant.of(type),
            MethodInvocation.invoke(registerStatic)));
      }
      Log.debug("weaving @OnProcessEvent subscriptions into " + name);
      return b.make(pool).getBytes();
    }
  }

  /** Woven into constructors. No onThrowable: a constructor that throws has no instance to subscribe. */
  static final class InstanceAdvice {
    private InstanceAdvice() {}

    @Advice.OnMethodExit
    static void exit(@Advice.This Object self, @Advice.Origin Class<?> type) {
      RacketBridge.registerInstance(self, type);
    }
  }
}
