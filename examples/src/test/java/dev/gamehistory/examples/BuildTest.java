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
    assertThat(listed).isEqualTo(publishedModules()).contains("loader-api", "loader-bigquery", "loader-testkit");
  }
}
