package dev.gamehistory.loader.spring;

import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.SystemEnvironmentOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Reads settings from a Spring environment with Spring Boot's relaxed binding: each property source
 * is one {@link SettingsSources} layer, from the lowest precedence to the highest, so a source that
 * wins in Spring wins here; the library then validates the values.
 *
 * <ul>
 *   <li>Names are matched as {@code @ConfigurationProperties} binds them, by Spring's own
 *       {@link ConfigurationPropertyName} rules: {@code hgl.chunk-size}, {@code hgl.chunkSize},
 *       {@code hgl.chunk_size}, {@code HGL.CHUNK-SIZE} and, in the environment,
 *       {@code HGL_CHUNKSIZE} are the key {@code chunk-size}. The environment also keeps the
 *       library's own form, {@code HGL_} and the key upper-cased with {@code .} and {@code -} as
 *       {@code _} ({@code HGL_CHUNK_SIZE}, {@code HGL_RETRY_MAX_ATTEMPTS}).
 *   <li>A name under {@code hgl} that is no key is an error naming it as written, its origin and the
 *       nearest key, never ignored: a typo, the bracket form {@code hgl[strategy]} (Spring reads it as
 *       a map entry, not as {@code hgl.strategy}), a list element {@code hgl.fallback[0]} (give
 *       {@code fallback} as one comma string), an {@code HGL_} variable naming no key.
 *   <li>Two spellings of one key in one property source are an error (which one Spring would bind
 *       is not defined); across sources the higher-precedence one wins, as in Spring.
 *   <li>Values are the source's, as text, with {@code ${...}} placeholders resolved (a YAML number
 *       or boolean as YAML read it: quote it to pass the text as written).
 *   <li>Each value's origin is Spring's: {@code class path resource [application.properties] - 3:16},
 *       {@code System Environment Property "HGL_CHUNK_SIZE"}, or {@code "hgl.strategy" from property
 *       source "commandLineArgs"}; every settings message names it.
 * </ul>
 */
final class EnvironmentSettings {

  /** The property prefix of every setting. */
  public static final String PREFIX = "hgl";

  private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PREFIX);
  /** Each key of the catalogue as a configuration property name under {@code hgl}, in catalogue order. */
  private static final Map<ConfigurationPropertyName, String> KEYS = keys();

  private EnvironmentSettings() {}

  /**
   * The settings of {@code environment}, each value with the origin Spring gives it.
   *
   * @throws LoaderSettingsException naming the key (or the property, or the variable) and its origin
   *     for any bad input
   */
  public static SettingsSources.Resolved resolve(ConfigurableEnvironment environment) {
    return sources(environment).resolve();
  }

  /**
   * The layers of {@code environment}, not yet parsed.
   *
   * @throws LoaderSettingsException naming the property as written and its origin for a name under
   *     {@code hgl} that is no key, or for a key given twice in one property source
   */
  public static SettingsSources sources(ConfigurableEnvironment environment) {
    List<PropertySource<?>> lowestFirst = new ArrayList<>();
    environment.getPropertySources().forEach(lowestFirst::add);
    Collections.reverse(lowestFirst);
    SettingsSources.Builder builder = SettingsSources.builder();
    for (PropertySource<?> source : lowestFirst) {
      if (source instanceof EnumerablePropertySource<?> enumerable) {
        Map<String, SettingsSources.Sourced> values = values(enumerable, environment);
        if (!values.isEmpty()) {
          builder.addWithOrigins(values);
        }
      }
    }
    return builder.build();
  }

  /** The full property of a settings key: {@code hgl.} and the key. */
  public static String property(String key) {
    return PREFIX + "." + key;
  }

  private static Map<String, SettingsSources.Sourced> values(EnumerablePropertySource<?> source,
      ConfigurableEnvironment environment) {
    boolean variables = source instanceof SystemEnvironmentPropertySource;
    Map<String, SettingsSources.Sourced> values = new LinkedHashMap<>();
    Map<String, String> spellings = new LinkedHashMap<>();
    if (!variables) {
      // Each name as the source writes it, so that two spellings Spring takes for one key are both seen.
      for (String written : source.getPropertyNames()) {
        ConfigurationPropertyName name = ConfigurationPropertyName.adapt(written, '.');
        if (!ROOT.isAncestorOf(name)) {
          continue;
        }
        Origin found = OriginLookup.getOrigin(source, written);
        add(values, spellings, name, written, origin(source, found != null ? found : new PropertySourceOrigin(source, written)),
            text(source.getProperty(written), environment), false);
      }
      return values;
    }
    for (ConfigurationPropertySource properties : ConfigurationPropertySources.from(source)) {
      if (!(properties instanceof IterableConfigurationPropertySource iterable)) {
        continue;
      }
      for (ConfigurationPropertyName name : iterable.stream().filter(ROOT::isAncestorOf).sorted().toList()) {
        ConfigurationProperty property = iterable.getConfigurationProperty(name);
        if (property == null) {
          continue;
        }
        String written = written(source, name, property.getOrigin(), true);
        add(values, spellings, name, written, origin(source, property.getOrigin()),
            text(property.getValue(), environment), true);
      }
    }
    return values;
  }

  /** Adds one property's value under its key, refusing a second spelling of a key in one source. */
  private static void add(Map<String, SettingsSources.Sourced> values, Map<String, String> spellings,
      ConfigurationPropertyName name, String written, String origin, String value, boolean variables) {
    String key = keyOf(name, written, variables).orElseThrow(() -> unknown(name, written, value, origin, variables));
    String previous = spellings.put(key, written);
    if (previous != null) {
      SettingsSources.Sourced first = values.get(key);
      throw LoaderSettingsException.of(property(key), value, origin, "given twice in one property source, as '" + previous
          + "' (" + first.origin() + ") and '" + written + "'; got '" + first.value() + "' and '" + value + "'");
    }
    values.put(key, new SettingsSources.Sourced(value, origin));
  }

  /** The key {@code name} binds to, by Spring's rules; in the environment also the library's variable form. */
  private static Optional<String> keyOf(ConfigurationPropertyName name, String written, boolean variables) {
    for (Map.Entry<ConfigurationPropertyName, String> known : KEYS.entrySet()) {
      if (known.getKey().equals(name)) {
        return Optional.of(known.getValue());
      }
    }
    if (variables) {
      return SettingsSources.knownKeys().values().stream()
          .filter(key -> key.environmentVariable().equals(written.toUpperCase(Locale.ROOT)))
          .map(SettingsSources.KnownKey::key)
          .findFirst();
    }
    return Optional.empty();
  }

  private static LoaderSettingsException unknown(ConfigurationPropertyName name, String written, String value,
      String origin, boolean variables) {
    if (variables) {
      String help = nearestVariable(written)
          .map(nearest -> "did you mean '" + nearest.environmentVariable() + "' (" + nearest.key() + ")?")
          .orElse("an HGL_ variable must name a known setting: HGL_ and the key upper-cased, with '.' and '-' as '_'");
      return LoaderSettingsException.of(written, value, origin, "unknown setting; " + help);
    }
    Optional<String> listed = name.isLastElementIndexed() ? keyOf(name.getParent(), "", false) : Optional.empty();
    if (listed.isPresent()) {
      return LoaderSettingsException.of(written, value, origin,
          "not a list; give " + property(listed.get()) + " as one comma-separated string; got '" + value + "'");
    }
    String help = nearestKey(name)
        .map(nearest -> "did you mean '" + property(nearest) + "'?")
        .orElse("write hgl.<key> with a key of the settings catalogue");
    return LoaderSettingsException.of(written, value, origin, "unknown setting; " + help);
  }

  /** The nearest key to what follows {@code hgl}, compared in Spring's lower-case form without dashes. */
  private static Optional<String> nearestKey(ConfigurationPropertyName name) {
    StringBuilder given = new StringBuilder();
    for (int i = ROOT.getNumberOfElements(); i < name.getNumberOfElements(); i++) {
      given.append(given.isEmpty() ? "" : ".").append(name.getElement(i, ConfigurationPropertyName.Form.UNIFORM));
    }
    Map<String, String> byUniform = new LinkedHashMap<>();
    KEYS.forEach((property, key) -> byUniform.put(uniform(key), key));
    return nearest(given.toString(), byUniform);
  }

  private static Optional<SettingsSources.KnownKey> nearestVariable(String written) {
    Map<String, String> byVariable = new LinkedHashMap<>();
    SettingsSources.knownKeys().values().forEach(key -> byVariable.put(key.environmentVariable(), key.key()));
    return nearest(written.toUpperCase(Locale.ROOT), byVariable).map(key -> SettingsSources.knownKeys().get(key));
  }

  /** The value of the candidate nearest to {@code given}: at most 3 edits away, or one a prefix of the other. */
  private static Optional<String> nearest(String given, Map<String, String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, String> candidate : candidates.entrySet()) {
      int distance = LevenshteinDistance.getDefaultInstance().apply(given, candidate.getKey());
      boolean close = distance <= 3
          || (!given.isEmpty() && (candidate.getKey().startsWith(given) || given.startsWith(candidate.getKey())));
      if (close && distance < bestDistance) {
        best = candidate.getValue();
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  private static String uniform(String key) {
    return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** The property as the source spells it: the variable, the name in a map, else the matching name of the source. */
  private static String written(EnumerablePropertySource<?> source, ConfigurationPropertyName name,
      @Nullable Origin origin, boolean variables) {
    if (origin instanceof SystemEnvironmentOrigin variable) {
      return variable.getProperty();
    }
    if (origin instanceof PropertySourceOrigin property) {
      return property.getPropertyName();
    }
    if (!variables) {
      for (String candidate : source.getPropertyNames()) {
        if (ConfigurationPropertyName.adapt(candidate, '.').equals(name)) {
          return candidate;
        }
      }
    }
    return name.toString();
  }

  private static String origin(PropertySource<?> source, @Nullable Origin origin) {
    return origin != null ? origin.toString() : "property source \"" + source.getName() + "\"";
  }

  private static String text(@Nullable Object value, ConfigurableEnvironment environment) {
    return value == null ? "" : environment.resolvePlaceholders(String.valueOf(value));
  }

  private static Map<ConfigurationPropertyName, String> keys() {
    Map<ConfigurationPropertyName, String> keys = new LinkedHashMap<>();
    for (String key : SettingsSources.knownKeys().keySet()) {
      keys.put(ConfigurationPropertyName.adapt(property(key), '.'), key);
    }
    return Collections.unmodifiableMap(keys);
  }
}
