package dev.gamehistory.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The build's own rules, read from the POMs: the BOM lists every published module (every module
 * but the parent, the BOM and those with {@code maven.deploy.skip}) at the project's version, and
 * nothing else, and does not inherit the build's parent.
 */
class BuildTest {

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();

  private static Document pom(Path path) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(path.toFile());
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element element && element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
  }

  private static Set<String> publishedModules() throws Exception {
    Element root = pom(ROOT.resolve("pom.xml")).getDocumentElement();
    Set<String> published = new TreeSet<>();
    for (Element module : children(children(root, "modules").get(0), "module")) {
      Element pom = pom(ROOT.resolve(module.getTextContent().strip()).resolve("pom.xml")).getDocumentElement();
      boolean skipped = children(pom, "properties").stream()
          .anyMatch(p -> "true".equals(text(p, "maven.deploy.skip")));
      if (!skipped && !"pom".equals(text(pom, "packaging"))) {
        published.add(text(pom, "artifactId"));
      }
    }
    return published;
  }

  @Test
  void bom_listsEveryPublishedModuleAtTheProjectVersionAndNothingElse() throws Exception {
    String version = text(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "version");
    Element bom = pom(ROOT.resolve("loader-bom/pom.xml")).getDocumentElement();

    assertThat(children(bom, "parent")).as("the BOM inherits no parent").isEmpty();
    assertThat(text(bom, "version")).isEqualTo(version);
    Set<String> listed = new TreeSet<>();
    Node management = children(bom, "dependencyManagement").get(0);
    for (Element dependency : children(children((Element) management, "dependencies").get(0), "dependency")) {
      assertThat(text(dependency, "groupId")).isEqualTo("dev.gamehistory");
      assertThat(text(dependency, "version")).isEqualTo("${project.version}");
      listed.add(text(dependency, "artifactId"));
    }
    assertThat(listed).isEqualTo(publishedModules())
        .contains("loader-api", "loader-inmemory", "loader-bigquery", "loader-testkit");
  }

  @Test
  void inMemoryBackend_bringsNoTestLibraryAndTheTestkitBringsIt() throws Exception {
    Element inMemory = pom(ROOT.resolve("loader-inmemory/pom.xml")).getDocumentElement();
    List<String> compile = new ArrayList<>();
    for (Element dependency : children(children(inMemory, "dependencies").get(0), "dependency")) {
      if (!"test".equals(text(dependency, "scope"))) {
        compile.add(text(dependency, "groupId") + ":" + text(dependency, "artifactId"));
      }
    }
    assertThat(compile).containsExactly("dev.gamehistory:loader-api", "org.jspecify:jspecify");
    Element testkit = pom(ROOT.resolve("loader-testkit/pom.xml")).getDocumentElement();
    assertThat(children(children(testkit, "dependencies").get(0), "dependency"))
        .anySatisfy(dependency -> {
          assertThat(text(dependency, "artifactId")).isEqualTo("loader-inmemory");
          assertThat(text(dependency, "scope")).isEmpty();
        });
  }

  @Test
  void parent_carriesTheMetadataARepositoryRequiresAndTheReleaseProfile() throws Exception {
    Element parent = pom(ROOT.resolve("pom.xml")).getDocumentElement();

    assertThat(text(parent, "name")).isNotBlank();
    assertThat(text(parent, "description")).isNotBlank();
    assertThat(text(parent, "url")).startsWith("https://");
    assertThat(text(children(children(parent, "licenses").get(0), "license").get(0), "name"))
        .isEqualTo("Apache License, Version 2.0");
    assertThat(children(children(parent, "developers").get(0), "developer")).isNotEmpty();
    assertThat(text(children(parent, "scm").get(0), "connection")).startsWith("scm:git:");
    assertThat(text(children(parent, "properties").get(0), "project.build.outputTimestamp")).matches("\\d{4}-.*Z");
    String build = text(parent, "build");
    assertThat(build).contains("attach-sources", "jar-no-fork", "attach-javadocs", "all,-missing");
    Element release = children(children(parent, "profiles").get(0), "profile").stream()
        .filter(p -> text(p, "id").equals("release")).findFirst().orElseThrow();
    assertThat(text(release, "build")).contains("maven-gpg-plugin", "sign");
    assertThat(ROOT.resolve("LICENSE")).exists();
  }

  @Test
  void publishedModules_nameTheirModuleAndShipSourcesJavadocAndAManifestName() throws Exception {
    for (String artifact : publishedModules()) {
      Element pom = pom(ROOT.resolve(artifact).resolve("pom.xml")).getDocumentElement();
      String moduleName = text(children(pom, "properties").get(0), "module.name");
      assertThat(moduleName).as("module.name of %s", artifact).matches("dev\\.gamehistory\\.[a-z.]+");
      assertThat(text(pom, "name")).as("name of %s", artifact).isNotBlank();
      assertThat(text(pom, "description")).as("description of %s", artifact).isNotBlank();
      // Once the module is packaged (mvn verify runs the published modules before this one), its jars.
      Path target = ROOT.resolve(artifact).resolve("target");
      Path jar = target.resolve(artifact + "-" + text(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "version") + ".jar");
      if (java.nio.file.Files.exists(jar)) {
        assertThat(Path.of(jar.toString().replace(".jar", "-sources.jar"))).exists();
        assertThat(Path.of(jar.toString().replace(".jar", "-javadoc.jar"))).exists();
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
          assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
              .as("Automatic-Module-Name of %s", jar.getFileName()).isEqualTo(moduleName);
        }
      }
    }
  }
}
