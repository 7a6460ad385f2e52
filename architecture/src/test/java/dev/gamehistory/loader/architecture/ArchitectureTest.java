package dev.gamehistory.loader.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the tree, kept by tests: every package is one concern, and
 *
 * <ul>
 *   <li>no circle runs between packages, in any module, with two exceptions that are the design: a
 *       public type may call its module's single factory seam (whose implementation speaks of the
 *       public types again), and the SPI speaks of the core API's types (a backend answers a
 *       {@code LoadRequest} with {@code HistoricalGame}s) while the core API accepts SPI types;
 *   <li>public packages import a module's internal packages only through its seam, and a module's
 *       public types only their own module's seam (one documented exception);
 *   <li>loader-api imports no cloud, Caffeine, Micrometer or Spring type, and nothing beyond the JDK,
 *       SLF4J, JSpecify, Commons Text and itself;
 *   <li>no backend module imports another.
 * </ul>
 *
 * A failure names the offending classes and the dependencies between them.
 */
class ArchitectureTest {

  /** The one class of each module through which its public types reach its internals. */
  static final Set<String> SEAMS = Set.of(
      "dev.gamehistory.loader.internal.Internals",
      "dev.gamehistory.loader.cache.internal.CaffeineCachingLoader",
      "dev.gamehistory.loader.bigquery.internal.BigQueryInternals");

  /** Public types that reach another module's seam, each documented in the README. */
  static final Set<String> SEAM_EXCEPTIONS = Set.of("dev.gamehistory.loader.testkit.TestQueryContext");

  private static final String CORE = "dev.gamehistory.loader";
  private static final String SPI = "dev.gamehistory.loader.spi";
  /** The packages of loader-api. */
  private static final String[] LOADER_API = {CORE, CORE + ".settings", SPI, CORE + ".annotations", CORE + ".internal.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.gamehistory");
  }

  @Test
  void packages_formNoCircle() {
    SlicesRuleDefinition.slices().matching("dev.gamehistory.(**)")
        .should().beFreeOfCycles()
        .ignoreDependency(DescribedPredicate.describe("a public type",
                (JavaClass origin) -> isPublic(topLevel(origin))),
            DescribedPredicate.describe("a module's seam", (JavaClass target) -> SEAMS.contains(topLevel(target))))
        .ignoreDependency(DescribedPredicate.describe("the SPI", (JavaClass origin) -> origin.getPackageName().equals(SPI)),
            DescribedPredicate.describe("the core API", (JavaClass target) -> target.getPackageName().equals(CORE)))
        .check(classes);
  }

  @Test
  void publicPackages_importInternalsOnlyThroughTheSeam() {
    ArchRule rule = noClasses().that().resideOutsideOfPackage("..internal..")
        .and().resideInAPackage("dev.gamehistory..")
        .should().dependOnClassesThat(DescribedPredicate.describe(
            "are internal and not a seam", (JavaClass target) -> target.getPackageName().contains(".internal")
                && !SEAMS.contains(topLevel(target))));
    rule.check(classes);
  }

  /**
   * A module's public types reach internals only through that module's own seam; the one exception,
   * documented in the README, is the testkit's {@code TestQueryContext}, a test double of the
   * engine's query context made through loader-api's seam.
   */
  @Test
  void publicTypes_reachOnlyTheirOwnModulesSeam() {
    classes().that().resideOutsideOfPackage("..internal..")
        .and().resideInAPackage("dev.gamehistory..")
        .should(new ArchCondition<JavaClass>("reach only their own module's seam") {
          @Override
          public void check(JavaClass origin, ConditionEvents events) {
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
              String target = topLevel(dependency.getTargetClass());
              if (SEAMS.contains(target) && !target.equals(seamOf(origin.getPackageName()))
                  && !SEAM_EXCEPTIONS.contains(topLevel(origin))) {
                events.add(SimpleConditionEvent.violated(dependency,
                    dependency.getDescription() + ": not its module's seam"));
              }
            }
          }
        })
        .check(classes);
  }

  /** The seam of the module a public package belongs to; none for the modules without internals. */
  private static String seamOf(String packageName) {
    if (packageName.startsWith(CORE + ".bigquery")) {
      return "dev.gamehistory.loader.bigquery.internal.BigQueryInternals";
    }
    if (packageName.startsWith(CORE + ".cache")) {
      return "dev.gamehistory.loader.cache.internal.CaffeineCachingLoader";
    }
    return inLoaderApi(packageName) ? "dev.gamehistory.loader.internal.Internals" : "";
  }

  @Test
  void loaderApi_importsNoCloudCacheMetricsOrSpringType() {
    noClasses().that().resideInAnyPackage(LOADER_API)
        .should().dependOnClassesThat().resideInAnyPackage("com.google..", "com.github.benmanes.caffeine..",
            "io.micrometer..", "org.springframework..")
        .check(classes);
  }

  /** An allow-list: loader-api depends on the JDK, SLF4J, JSpecify and Commons Text, and on itself. */
  @Test
  void loaderApi_dependsOnlyOnTheJdkItsThreeLibrariesAndItself() {
    noClasses().that().resideInAnyPackage(LOADER_API)
        .should().dependOnClassesThat(DescribedPredicate.describe("are outside loader-api and its libraries",
            (JavaClass target) -> {
              JavaClass type = target.isArray() ? target.getBaseComponentType() : target;
              String name = type.getPackageName();
              return !type.isPrimitive() && !name.startsWith("java.") && !name.startsWith("org.slf4j")
                  && !name.startsWith("org.jspecify") && !name.startsWith("org.apache.commons.text")
                  && !inLoaderApi(name);
            }))
        .check(classes);
  }

  private static boolean inLoaderApi(String packageName) {
    return packageName.equals(CORE) || packageName.equals(SPI) || packageName.equals(CORE + ".settings")
        || packageName.equals(CORE + ".annotations") || packageName.equals(CORE + ".internal")
        || packageName.startsWith(CORE + ".internal.");
  }

  @Test
  void backends_importNoOtherBackend() {
    noClasses().that().resideInAPackage("dev.gamehistory.loader.bigquery..")
        .should().dependOnClassesThat().resideInAPackage("dev.gamehistory.loader.inmemory..")
        .check(classes);
    noClasses().that().resideInAPackage("dev.gamehistory.loader.inmemory..")
        .should().dependOnClassesThat().resideInAPackage("dev.gamehistory.loader.bigquery..")
        .check(classes);
  }

  private static boolean isPublic(String name) {
    return !name.contains(".internal.");
  }

  private static String topLevel(JavaClass javaClass) {
    JavaClass top = javaClass;
    while (top.getEnclosingClass().isPresent()) {
      top = top.getEnclosingClass().get();
    }
    return top.getName();
  }
}
