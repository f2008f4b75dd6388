package org.universis.racket.relay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The relay module's public surface, and the walls between its internal packages. */
class ArchitectureTest {

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.universis.racket.relay");

  @Test
  void theClientReachesTheServerOnlyThroughTheEmbeddingEntryPoint() {
    noClasses().that().resideInAPackage("..relay.internal.client..")
        .should().dependOnClassesThat().resideInAPackage("..relay.internal.server..")
        .because("a client hosts a relay through Relay and RelayConfig only")
        .check(MAIN);
  }

  @Test
  void theServerKnowsNothingOfTheClient() {
    noClasses().that().resideInAPackage("..relay.internal.server..")
        .should().dependOnClassesThat().resideInAPackage("..relay.internal.client..")
        .check(MAIN);
  }

  @Test
  void theSharedCodecKnowsNeitherSide() {
    noClasses().that().resideInAPackage("..relay.internal.codec..")
        .should().dependOnClassesThat().resideInAnyPackage("..relay.internal.server..",
            "..relay.internal.client..")
        .check(MAIN);
  }

  @Test
  void onlyTypesMeantForUsersArePublicOutsideInternalPackages() {
    Set<String> exposed = MAIN.stream()
        .filter(c -> !c.getPackageName().contains(".internal"))
        .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
        .map(JavaClass::getName)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(Set.of(
        "org.universis.racket.relay.Relay",
        "org.universis.racket.relay.RelayConfig",
        "org.universis.racket.relay.RelayConfig$Bounds",
        "org.universis.racket.relay.RelayConfig$Builder",
        "org.universis.racket.relay.RelayConfig$Overflow",
        "org.universis.racket.relay.RelayMain",
        "org.universis.racket.relay.RelayProvider")), exposed);
  }
}
