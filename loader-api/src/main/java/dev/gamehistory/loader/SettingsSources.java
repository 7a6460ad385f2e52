package dev.gamehistory.loader;

import dev.gamehistory.loader.internal.SettingsKeys;
import dev.gamehistory.loader.internal.SettingsLayer;
import dev.gamehistory.loader.internal.SettingsParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Settings gathered from layered sources, each value remembering where it came from: the defaults,
 * then the layers in the order they were added, a later layer overriding an earlier one. Typically:
 *
 * <pre>{@code
 * SettingsSources.Resolved resolved = SettingsSources.builder()
 *     .add("file /etc/hgl.properties", SettingsSources.readProperties(Path.of("/etc/hgl.properties")))
 *     .environment(System.getenv())
 *     .add("--set", commandLineValues)
 *     .build()
 *     .resolve();
 * LoaderSettings settings = resolved.settings();
 * }</pre>
 *
 * <p>Keys, values and rules are those of {@link LoaderSettings#fromMap(Map, Map)}; {@link #knownKeys()}
 * lists every key. Immutable and thread-safe.
 */
public final class SettingsSources {

  /** The origin of a value no source gave. */
  public static final String DEFAULT_ORIGIN = "default";

  /** The key of errors about reading a settings file. */
  public static final String CONFIG_KEY = "config";

  private final List<SettingsLayer> layers;

  private SettingsSources(List<SettingsLayer> layers) {
    this.layers = List.copyOf(layers);
  }

  /** A builder with no layers: resolving it gives the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Merges the layers and parses the result.
   *
   * @throws LoaderSettingsException as {@link LoaderSettings#fromMap(Map, Map)} does
   */
  public Resolved resolve() {
    return SettingsParser.resolve(layers);
  }

  /**
   * Every key settings may hold, in catalogue order (the loader's keys, then the backends'), with
   * its environment variable, a one-line description and its default as text.
   */
  public static Map<String, KnownKey> knownKeys() {
    return SettingsKeys.catalogue();
  }

  /**
   * Reads a {@code .properties} file, as UTF-8, into a map sorted by key.
   *
   * @throws LoaderSettingsException with key {@value #CONFIG_KEY}, naming the path and the reason,
   *     when the file cannot be read or is malformed
   */
  public static Map<String, String> readProperties(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw unreadable(file, "no such file", e);
    } catch (AccessDeniedException e) {
      throw unreadable(file, "permission denied", e);
    } catch (CharacterCodingException e) {
      throw unreadable(file, "not UTF-8 text", e);
    } catch (IOException e) {
      throw unreadable(file, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw unreadable(file, "malformed properties: " + e.getMessage(), e);
    }
    Map<String, String> values = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      values.put(name, properties.getProperty(name));
    }
    return Collections.unmodifiableMap(values);
  }

  private static LoaderSettingsException unreadable(Path file, String reason, Exception cause) {
    return new LoaderSettingsException(CONFIG_KEY, file.toString(),
        CONFIG_KEY + ": cannot read settings file (" + reason + "); got '" + file + "'", cause);
  }

  /** Collects the layers of a {@link SettingsSources}; later layers override earlier ones. */
  public static final class Builder {
    private final List<SettingsLayer> layers = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a layer of settings keys and values; {@code origin} names it in
     * {@link Resolved#entries()}, e.g. {@code file /etc/hgl.properties} or {@code --set}.
     */
    public Builder add(String origin, Map<String, String> values) {
      layers.add(SettingsLayer.values(origin, values));
      return this;
    }

    /**
     * Adds a layer read from environment variables: {@code HGL_} followed by a key upper-cased, with
     * {@code .} and {@code -} as {@code _} (e.g. {@code HGL_RETRY_MAX_ATTEMPTS}). Other variables
     * are ignored; an {@code HGL_} variable that names no key is an error when resolving. Values
     * have the origin {@code environment (HGL_...)}.
     */
    public Builder environment(Map<String, String> environment) {
      layers.add(SettingsLayer.environment(environment));
      return this;
    }

    /** The sources; the maps given were copied. */
    public SettingsSources build() {
      return new SettingsSources(layers);
    }
  }

  /**
   * One key of the catalogue.
   *
   * @param key the settings key, e.g. {@code retry.max-attempts}
   * @param environmentVariable the variable overriding it, e.g. {@code HGL_RETRY_MAX_ATTEMPTS}
   * @param description what it sets, in one line
   * @param defaultValue the value used when it is absent, as text
   */
  public record KnownKey(String key, String environmentVariable, String description, String defaultValue) {
    /** Checks that no field is null. */
    public KnownKey {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(environmentVariable, "environmentVariable");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(defaultValue, "defaultValue");
    }
  }

  /**
   * One resolved setting.
   *
   * @param key the settings key
   * @param value the value as its source gave it (trimmed), or the default in canonical form
   * @param origin the layer that gave it, {@code environment (HGL_...)}, or {@value #DEFAULT_ORIGIN}
   */
  public record Entry(String key, String value, String origin) {
    /** Checks that no field is null. */
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(origin, "origin");
    }

    /** Whether no source gave this value. */
    public boolean isDefault() {
      return origin.equals(DEFAULT_ORIGIN);
    }
  }

  /**
   * The outcome of {@link #resolve()}.
   *
   * @param settings the parsed settings
   * @param entries every key that has a value or a default applying to these settings, in catalogue
   *     order; keys that do not apply (e.g. {@code chunk-size} for the batch strategy) and unset
   *     backend keys are left out
   */
  public record Resolved(LoaderSettings settings, List<Entry> entries) {
    /** Copies the entries. */
    public Resolved {
      Objects.requireNonNull(settings, "settings");
      entries = List.copyOf(entries);
    }

    /** The entry of {@code key}, if it is among {@link #entries()}. */
    public Optional<Entry> entry(String key) {
      return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }
  }
}
