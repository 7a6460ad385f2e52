package dev.gamehistory.loader.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.settings.SettingsSources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;

/**
 * The committed configuration metadata is the settings catalogue, key for key. When a key is added
 * or changed, regenerate the file with
 * {@code mvn -B -ntp -pl hgl-spring-boot-starter test -Dtest=ConfigurationMetadataTest -Dhgl.metadata.regenerate=true}.
 */
class ConfigurationMetadataTest {

  private static final Path COMMITTED = Path.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json");
  /** The file the configuration processor writes into the jar from the committed one. */
  private static final Path PACKAGED = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

  @Test
  void committedMetadata_equalsTheCatalogue() throws IOException {
    String expected = render(SettingsSources.knownKeys());
    if (Boolean.getBoolean("hgl.metadata.regenerate")) {
      Files.writeString(COMMITTED, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
        .as("%s is out of date with the settings catalogue (SettingsSources.knownKeys()); regenerate it with:%n"
            + "  mvn -B -ntp -pl hgl-spring-boot-starter test -Dtest=ConfigurationMetadataTest"
            + " -Dhgl.metadata.regenerate=true", COMMITTED)
        .isEqualTo(expected);
  }

  @Test
  void packagedMetadata_readBySpringsParser_documentsEveryKey() throws IOException {
    ConfigurationMetadataRepository repository;
    try (InputStream in = Files.newInputStream(PACKAGED)) {
      repository = ConfigurationMetadataRepositoryJsonBuilder.create(in).build();
    }
    Map<String, ConfigurationMetadataProperty> properties = repository.getAllProperties();
    assertThat(properties.keySet())
        .as("the properties of %s (written when compiling: after a change, build with mvn clean)", PACKAGED)
        .containsExactlyInAnyOrderElementsOf(
            SettingsSources.knownKeys().keySet().stream().map(key -> "hgl." + key).toList());
    for (SettingsSources.KnownKey key : SettingsSources.knownKeys().values()) {
      ConfigurationMetadataProperty property = properties.get("hgl." + key.key());
      assertThat(property).as("hgl.%s", key.key()).isNotNull();
      assertThat(property.getType()).isEqualTo("java.lang.String");
      assertThat(property.getDescription()).isEqualTo(key.description());
      assertThat(property.getDefaultValue()).isEqualTo(key.defaultValue());
    }
    assertThat(properties).containsKeys("hgl.strategy", "hgl.retry.max-attempts", "hgl.backend", "hgl.bigquery.table",
        "hgl.bigquery.columns.player_lookup", "hgl.in-memory.seed");
  }

  /** The metadata of every key, in catalogue order. */
  static String render(Map<String, SettingsSources.KnownKey> catalogue) {
    StringBuilder json = new StringBuilder("{\n  \"properties\": [\n");
    for (Iterator<SettingsSources.KnownKey> keys = catalogue.values().iterator(); keys.hasNext(); ) {
      SettingsSources.KnownKey key = keys.next();
      json.append("    {\n")
          .append("      \"name\": ").append(quote("hgl." + key.key())).append(",\n")
          .append("      \"type\": \"java.lang.String\",\n")
          .append("      \"description\": ").append(quote(key.description())).append(",\n")
          .append("      \"defaultValue\": ").append(quote(key.defaultValue())).append('\n')
          .append(keys.hasNext() ? "    },\n" : "    }\n");
    }
    return json.append("  ]\n}\n").toString();
  }

  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
