package dev.gamehistory.loader.spring.internal;

import dev.gamehistory.loader.LoaderSettingsException;
import dev.gamehistory.loader.SettingsSources;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Reads settings from a Spring environment, without Spring's relaxed binding: each property source
 * is one {@link SettingsSources} layer, from the lowest precedence to the highest, so a source that
 * wins in Spring wins here.
 *
 * <ul>
 *   <li>In an enumerable source (properties and YAML files, system properties, the command line,
 *       {@code SPRING_APPLICATION_JSON}, test properties), the property {@code hgl.<key>} is the
 *       settings key {@code <key>}, spelled exactly as given: {@code hgl.chunkSize} is the unknown
 *       key {@code chunkSize}, never {@code chunk-size}. Values are the source's, as text, with
 *       {@code ${...}} placeholders resolved (a YAML number or boolean as YAML read it: quote it to pass
 *       the text as written). A YAML list is the unknown key {@code fallback[0]}: give a comma list
 *       as one string. A property of the {@code hgl} root spelled another way ({@code HGL.strategy},
 *       {@code hgl[strategy]}) is an error rather than ignored.
 *   <li>A system-environment source is read as the library reads the environment: {@code HGL_} and
 *       the key upper-cased with {@code .} and {@code -} as {@code _} ({@code HGL_RETRY_MAX_ATTEMPTS});
 *       an {@code HGL_} variable naming no key is an error.
 * </ul>
 */
public final class EnvironmentSettings {

  /** The property prefix of every setting. */
  public static final String PREFIX = "hgl";

  private static final String DOTTED_PREFIX = PREFIX + ".";

  private EnvironmentSettings() {}

  /**
   * The settings of {@code environment}, each value with the name of the property source it came from.
   *
   * @throws LoaderSettingsException naming the key (or the property, or the variable) for any bad input
   */
  public static SettingsSources.Resolved resolve(ConfigurableEnvironment environment) {
    return sources(environment).resolve();
  }

  /**
   * The layers of {@code environment}, not yet parsed.
   *
   * @throws LoaderSettingsException naming the property for a property of the {@code hgl} root spelled
   *     otherwise than {@code hgl.<key>}
   */
  public static SettingsSources sources(ConfigurableEnvironment environment) {
    List<PropertySource<?>> lowestFirst = new ArrayList<>();
    environment.getPropertySources().forEach(lowestFirst::add);
    Collections.reverse(lowestFirst);
    SettingsSources.Builder builder = SettingsSources.builder();
    for (PropertySource<?> source : lowestFirst) {
      if (source instanceof SystemEnvironmentPropertySource variables) {
        builder.environment(variables(variables));
      } else if (source instanceof EnumerablePropertySource<?> enumerable) {
        Map<String, String> values = values(enumerable, environment);
        if (!values.isEmpty()) {
          builder.add(source.getName(), values);
        }
      }
    }
    return builder.build();
  }

  private static Map<String, String> values(EnumerablePropertySource<?> source, ConfigurableEnvironment environment) {
    Map<String, String> values = new TreeMap<>();
    for (String name : source.getPropertyNames()) {
      if (name.startsWith(DOTTED_PREFIX)) {
        values.put(name.substring(DOTTED_PREFIX.length()), text(source.getProperty(name), environment));
      } else if (isOtherSpellingOfRoot(name)) {
        String value = text(source.getProperty(name), environment);
        throw new LoaderSettingsException(name, value, name + ": not read as a setting; write hgl.<key>, the prefix"
            + " lower-case and the key exactly as the settings catalogue spells it; got '" + value + "'");
      }
    }
    return values;
  }

  /** {@code HGL.x}, {@code Hgl.x}, {@code hgl[x]}: names Spring's relaxed binding would put under {@code hgl}. */
  static boolean isOtherSpellingOfRoot(String name) {
    return name.length() > PREFIX.length()
        && name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
        && (name.charAt(PREFIX.length()) == '.' || name.charAt(PREFIX.length()) == '[');
  }

  private static String text(@Nullable Object value, ConfigurableEnvironment environment) {
    Object raw = value instanceof OriginTrackedValue tracked ? tracked.getValue() : value;
    return raw == null ? "" : environment.resolvePlaceholders(String.valueOf(raw));
  }

  private static Map<String, String> variables(SystemEnvironmentPropertySource source) {
    Map<String, String> variables = new TreeMap<>();
    for (String name : source.getPropertyNames()) {
      Object value = source.getProperty(name);
      variables.put(name, value == null ? "" : String.valueOf(value));
    }
    return variables;
  }
}
