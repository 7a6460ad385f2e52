package dev.gamehistory.loader.spring.internal;

import dev.gamehistory.loader.LoaderSettingsException;
import dev.gamehistory.loader.SettingsSources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a startup that failed on a bad setting with the library's one-line message (naming the
 * key, the value and what is allowed) and the property or variable to fix, instead of the chain of
 * bean creation errors.
 */
public final class LoaderSettingsFailureAnalyzer extends AbstractFailureAnalyzer<LoaderSettingsException> {

  /** Called by Spring Boot. */
  public LoaderSettingsFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, LoaderSettingsException cause) {
    return new FailureAnalysis(cause.getMessage(), action(cause.key()), cause);
  }

  private static String action(String key) {
    if (key.startsWith("HGL_")) {
      return "Correct or remove the environment variable " + key + ".";
    }
    if (EnvironmentSettings.isOtherSpellingOfRoot(key)) {
      return "Rename the property " + key + " to hgl.<key>, with a key of the settings catalogue.";
    }
    SettingsSources.KnownKey known = SettingsSources.knownKeys().get(key);
    String variable = known != null ? " or the environment variable " + known.environmentVariable() : "";
    return "Correct or remove the property " + EnvironmentSettings.PREFIX + "." + key + variable + ".";
  }
}
