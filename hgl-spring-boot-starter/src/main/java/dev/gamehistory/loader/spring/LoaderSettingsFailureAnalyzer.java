package dev.gamehistory.loader.spring;

import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a startup that failed on a bad setting as Spring Boot reports a property it cannot bind,
 * instead of the chain of bean creation errors: the full property, the value, its origin and the
 * library's reason, then the property or variable to fix.
 *
 * <pre>
 * Invalid loader setting 'hgl.chunk-size':
 *
 *     Property: hgl.chunk-size
 *     Value: "0"
 *     Origin: class path resource [application.properties] - 3:16
 *     Reason: must be an integer between 1 and 10000; got '0'
 * </pre>
 */
final class LoaderSettingsFailureAnalyzer extends AbstractFailureAnalyzer<LoaderSettingsException> {

  /** Called by Spring Boot. */
  public LoaderSettingsFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, LoaderSettingsException cause) {
    String property = property(cause.key());
    StringBuilder description = new StringBuilder()
        .append("Invalid loader setting '").append(property).append("':\n\n")
        .append("    Property: ").append(property).append('\n');
    if (cause.value() != null) {
      description.append("    Value: \"").append(cause.value()).append("\"\n");
    }
    if (cause.origin() != null) {
      description.append("    Origin: ").append(cause.origin()).append('\n');
    }
    description.append("    Reason: ").append(cause.reason());
    return new FailureAnalysis(description.toString(), action(cause.key(), property, cause.origin()), cause);
  }

  /** The full property of an exception's key: settings keys get {@code hgl.}; properties and variables are kept. */
  static String property(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    boolean written = lower.startsWith(EnvironmentSettings.PREFIX + "_") || lower.startsWith(EnvironmentSettings.PREFIX + ".")
        || lower.startsWith(EnvironmentSettings.PREFIX + "[");
    return written ? key : EnvironmentSettings.property(key);
  }

  private static String action(String key, String property, @Nullable String origin) {
    if (key.toLowerCase(Locale.ROOT).startsWith(EnvironmentSettings.PREFIX + "_")) {
      return "Correct or remove the environment variable " + key + ".";
    }
    SettingsSources.KnownKey known = SettingsSources.knownKeys().get(key);
    if (known == null && key.startsWith(EnvironmentSettings.PREFIX + ".")) {
      known = SettingsSources.knownKeys().get(key.substring(EnvironmentSettings.PREFIX.length() + 1));
    }
    if (known == null) {
      return "Rename or remove the property " + property + ": hgl.<key>, with a key of the settings catalogue.";
    }
    String variable = "System Environment Property \"";
    if (origin != null && origin.startsWith(variable) && origin.endsWith("\"")) {
      // The variable as the environment spells it (HGL_CHUNKSIZE as well as HGL_CHUNK_SIZE binds).
      return "Correct or remove the environment variable " + origin.substring(variable.length(), origin.length() - 1)
          + ".";
    }
    return "Correct or remove the property " + property + " or the environment variable "
        + known.environmentVariable() + ".";
  }
}
