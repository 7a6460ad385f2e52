package dev.gamehistory.loader.spi;

import dev.gamehistory.loader.settings.LoaderSettings;

/**
 * Creates a backend from settings, found with {@link java.util.ServiceLoader} by the value of the
 * {@code backend} setting. Register an implementation in
 * {@code META-INF/services/dev.gamehistory.loader.spi.GamesQueryProvider}.
 */
public interface GamesQueryProvider {

  /** The {@code backend} setting's value that selects this provider, e.g. {@code bigquery}. */
  String name();

  /**
   * A backend configured from {@link LoaderSettings#backendProperties()}.
   *
   * @throws dev.gamehistory.loader.settings.LoaderSettingsException naming the key for a bad setting
   */
  GamesQuery create(LoaderSettings settings);
}
