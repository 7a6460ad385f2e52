package dev.gamehistory.loader.spring.internal;

import dev.gamehistory.loader.LoaderSettingsException;
import dev.gamehistory.loader.SettingsSources;
import java.util.Locale;
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
public final class LoaderSettingsFailureAnalyzer extends AbstractFailureAnalyzer<LoaderSettingsException> {

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
    return new FailureAnalysis(description.toString(), action(cause.key(), property), cause);
  }

  /** The full property of an exception's key: settings keys get {@code hgl.}; properties and variables are kept. */
  static String property(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    boolean written = lower.startsWith(EnvironmentSettings.PREFIX + "_") || lower.startsWith(EnvironmentSettings.PREFIX + ".")
        || lower.startsWith(EnvironmentSettings.PREFIX + "[");
    return written ? key : EnvironmentSettings.property(key);
  }

  private static String action(String key, String property) {
    if (key.toLowerCase(Locale.ROOT).startsWith(EnvironmentSettings.PREFIX + "_")) {
      return "Correct or remove the environment variable " + key + ".";
    }
    SettingsSources.KnownKey known = SettingsSources.knownKeys().get(key);
    if (known == null) {
      return "Rename or remove the property " + property + ": hgl.<key>, with a key of the settings catalogue.";
    }
    return "Correct or remove the property " + property + " or the environment variable "
        + known.environmentVariable() + ".";
  }
}
