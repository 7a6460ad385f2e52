package dev.gamehistory.loader.internal.settings;

import dev.gamehistory.loader.settings.LoaderSettingsException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One source of settings values: a map of keys, each value with where it came from, or the
 * environment.
 *
 * @param origin where the values came from, e.g. {@code --set}; {@code null} when not known (a map
 *     given in code), when {@code origins} names each value's own, or for the environment
 * @param values the keys and values, or the environment variables, as given (null values kept)
 * @param origins the origin of each key that has its own (a file's line, a Spring property source's
 *     origin); the other keys have {@code origin}
 * @param environment whether {@code values} are environment variables
 */
public record SettingsLayer(
    @Nullable String origin, Map<String, String> values, Map<String, String> origins, boolean environment) {

  /** The origin of a value from an environment variable: this, a space and the variable. */
  public static final String ENVIRONMENT_ORIGIN = "environment variable";

  /** The key of errors about reading a settings file. */
  public static final String CONFIG_KEY = "config";

  /** Copies the maps (a null value is kept, to be reported when parsing). */
  public SettingsLayer {
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(origins, "origins");
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
  }

  /** A layer of settings keys, all from {@code origin} ({@code null}: not known). */
  public static SettingsLayer values(@Nullable String origin, Map<String, String> values) {
    return new SettingsLayer(origin, values, Map.of(), false);
  }

  /** A layer of settings keys, each with its own origin. */
  public static SettingsLayer sourced(Map<String, String> values, Map<String, String> origins) {
    return new SettingsLayer(null, values, origins, false);
  }

  /** A layer of environment variables; only those starting with {@code HGL_} are read. */
  public static SettingsLayer environment(Map<String, String> environment) {
    return new SettingsLayer(null, environment, Map.of(), true);
  }

  /** The origin of {@code key}'s value in this layer, if known. */
  public @Nullable String originOf(String key) {
    String own = origins.get(key);
    return own != null ? own : origin;
  }

  /**
   * A {@code .properties} file read as UTF-8, each value with the origin {@code <file>:<line>}
   * (the line its key is on; for a key given twice, the line of the one that counts, the last).
   *
   * @throws LoaderSettingsException with key {@value #CONFIG_KEY}, naming the path and the reason,
   *     when the file cannot be read or is malformed
   */
  public static SettingsLayer file(Path file) {
    String text = readText(file);
    Map<String, String> values = new TreeMap<>();
    Map<String, String> origins = new TreeMap<>();
    List<String> lines = text.lines().toList();
    int index = 0;
    while (index < lines.size()) {
      int first = index;
      StringBuilder logical = new StringBuilder(lines.get(index));
      // A line ending in an odd number of backslashes continues on the next one, unless it is a
      // comment (Properties' rules).
      boolean comment = isComment(lines.get(index));
      while (!comment && endsWithOddBackslashes(lines.get(index)) && index + 1 < lines.size()) {
        index++;
        logical.append('\n').append(lines.get(index));
      }
      index++;
      Properties one = new Properties();
      try {
        one.load(new StringReader(logical.toString()));
      } catch (IOException | IllegalArgumentException e) {
        throw unreadable(file, "malformed properties: " + e.getMessage(), e);
      }
      for (String name : one.stringPropertyNames()) {
        values.put(name, one.getProperty(name));
        origins.put(name, file + ":" + (first + 1));
      }
    }
    return sourced(values, origins);
  }

  /**
   * Reads a {@code .properties} file as UTF-8 into a map sorted by key.
   *
   * @throws LoaderSettingsException as {@link #file(Path)} does
   */
  public static Map<String, String> readProperties(Path file) {
    String text = readText(file);
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw unreadable(file, "malformed properties: " + e.getMessage(), e);
    }
    Map<String, String> values = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      values.put(name, properties.getProperty(name));
    }
    return Collections.unmodifiableMap(values);
  }

  private static String readText(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      // A byte-order mark some editors write is no part of the first key.
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (NoSuchFileException e) {
      throw unreadable(file, "no such file", e);
    } catch (AccessDeniedException e) {
      throw unreadable(file, "permission denied", e);
    } catch (CharacterCodingException e) {
      throw unreadable(file, "not UTF-8 text", e);
    } catch (IOException e) {
      throw unreadable(file, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
    }
  }

  private static boolean isComment(String line) {
    String stripped = line.stripLeading();
    return stripped.startsWith("#") || stripped.startsWith("!");
  }

  private static boolean endsWithOddBackslashes(String line) {
    int count = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      count++;
    }
    return count % 2 == 1;
  }

  private static LoaderSettingsException unreadable(Path file, String reason, Exception cause) {
    return new LoaderSettingsException(CONFIG_KEY, file.toString(),
        CONFIG_KEY + ": cannot read settings file (" + reason + "); got '" + file + "'", cause);
  }
}
