package org.universis.racket.junit;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.universis.racket.ProcessEventEmitter;

/**
 * Starts an embedded relay for a test class or for each test method, and resolves
 * {@link ProcessEventEmitter}, {@link RacketEvents} and {@link TestRelay} parameters. Use it through
 * {@link RacketTest}, or register it:
 *
 * <pre>{@code
 * @RegisterExtension static RacketExtension racket = RacketExtension.perClass();
 * @RegisterExtension RacketExtension racket = RacketExtension.perMethod();   // an instance field
 * }</pre>
 *
 * <p>Everything lives in JUnit's extension store: emitters and recorders are closed when the
 * method (or class) that asked for them ends, the relay when its class or method ends, so no thread
 * the extension started outlives the test.
 */
public final class RacketExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  /** How long one relay lives. */
  public enum Lifecycle {
    /** One relay for the test class, shared by its methods. */
    PER_CLASS,
    /** A fresh relay for each test method. */
    PER_METHOD
  }

  private static final Namespace NAMESPACE = Namespace.create(RacketExtension.class);

  /** Null when {@link RacketTest} decides. */
  private final Lifecycle lifecycle;

  /** The extension {@link RacketTest} registers; the lifecycle comes from the annotation. */
  public RacketExtension() {
    this(null);
  }

  private RacketExtension(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** One relay for the test class. */
  public static RacketExtension perClass() {
    return new RacketExtension(Lifecycle.PER_CLASS);
  }

  /** A fresh relay for each test method. */
  public static RacketExtension perMethod() {
    return new RacketExtension(Lifecycle.PER_METHOD);
  }

  /**
   * The relay of the test that {@code context} belongs to, started on first use; also for other
   * extensions that need its url.
   */
  public TestRelay relay(ExtensionContext context) {
    boolean perMethod = lifecycle(context) == Lifecycle.PER_METHOD && context.getTestMethod().isPresent();
    ExtensionContext owner = perMethod ? context : classContext(context);
    Class<?> testClass = perMethod ? null : owner.getTestClass().orElse(null);
    return owner.getStore(NAMESPACE).getOrComputeIfAbsent(TestRelay.class, k -> TestRelay.start(testClass),
        TestRelay.class);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (lifecycle(context) == Lifecycle.PER_CLASS) relay(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    relay(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ProcessEventEmitter.class || type == RacketEvents.class || type == TestRelay.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestRelay relay = relay(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == TestRelay.class) return relay;
    AutoCloseable resource = type == RacketEvents.class ? RacketEvents.start(relay) : relay.newEmitter();
    // Keyed by the resource itself: JUnit closes it when this context ends, before the relay.
    context.getStore(NAMESPACE).put(resource, resource);
    return resource;
  }

  private Lifecycle lifecycle(ExtensionContext context) {
    if (lifecycle != null) return lifecycle;
    Optional<RacketTest> annotation = AnnotationSupport.findAnnotation(context.getTestClass(), RacketTest.class);
    return annotation.map(RacketTest::relay).orElse(Lifecycle.PER_CLASS);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) c = c.getParent().get();
    return c;
  }
}
