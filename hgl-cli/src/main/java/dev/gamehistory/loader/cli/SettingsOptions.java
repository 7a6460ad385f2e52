package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options every command shares: where settings come from, and {@code --verbose}. Settings are
 * layered: the defaults, then {@code --config}, then the {@code HGL_*} environment variables, then
 * each {@code --set}, a later layer overriding an earlier one (see {@link SettingsSources}). Values
 * from {@code --config} name their origin as the file and line ({@code ops.properties:3}).
 */
final class SettingsOptions {

  /** The origin of values given with {@code --set}. */
  static final String SET_ORIGIN = "--set";

  @Option(names = "--config", paramLabel = "FILE",
      description = "A .properties file of settings (overridden by HGL_* variables and --set).")
  @Nullable Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A setting, overriding --config and the environment; repeatable. 'hgl explain' lists the keys.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--verbose", description = "Print more detail, log at info level and show stack traces of errors.")
  boolean verbose;

  /**
   * The settings from every layer, plus {@code extra} last (for values a command sets itself).
   *
   * @throws LoaderSettingsException naming the key and the value for a bad setting or an unreadable file
   * @throws UsageException for a {@code --set} that is not {@code key=value}
   */
  SettingsSources.Resolved resolve(CliContext context) {
    SettingsSources.Builder sources = SettingsSources.builder();
    if (config != null) {
      sources.file(config);
    }
    sources.environment(context.environment());
    sources.add(SET_ORIGIN, setValues());
    return sources.build().resolve();
  }

  /** The {@code --set} values, a later one for the same key winning. */
  Map<String, String> setValues() {
    Map<String, String> values = new LinkedHashMap<>();
    for (String set : sets) {
      int equals = set.indexOf('=');
      if (equals <= 0 || set.substring(0, equals).isBlank()) {
        throw new UsageException("--set", "expected KEY=VALUE", set);
      }
      values.put(set.substring(0, equals).trim(), set.substring(equals + 1));
    }
    return values;
  }
}
