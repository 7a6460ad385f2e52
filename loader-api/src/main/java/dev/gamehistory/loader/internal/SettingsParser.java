package dev.gamehistory.loader.internal;

import dev.gamehistory.loader.LoaderSettings;
import java.util.Map;

/** Parses and prints {@link LoaderSettings}. */
public final class SettingsParser {
  private SettingsParser() {}

  /** Parses values with environment overrides. */
  public static LoaderSettings parse(Map<String, String> values, Map<String, String> environment) {
    throw new UnsupportedOperationException("SettingsParser.parse is being written");
  }

  /** The settings as key/value pairs. */
  public static Map<String, String> toMap(LoaderSettings settings) {
    throw new UnsupportedOperationException("SettingsParser.toMap is being written");
  }
}
