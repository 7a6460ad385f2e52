package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.settings.SettingsSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's settings table stays true to the key catalogue. */
class ReadmeSettingsTest {

  @Test
  void readme_listsEveryKnownKeyWithItsDefault() throws IOException {
    Path readme = Path.of(System.getProperty("user.dir")).resolveSibling("README.md");
    String text = Files.readString(readme);

    SettingsSources.knownKeys().forEach((key, known) ->
        assertThat(text).as("README row of %s", key)
            .contains("| `" + key + "` | " + known.defaultValue() + " | " + known.description() + " |"));
  }
}
