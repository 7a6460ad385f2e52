package dev.gamehistory.loader.spring;

import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.GamesQueryProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/** Finds the backend the {@code backend} setting names, as {@code HistoricalGamesLoader.fromSettings} does. */
final class Backends {

  private Backends() {}

  /**
   * The backend of the {@link GamesQueryProvider} named by {@code settings.backend()}, found with
   * {@link ServiceLoader} in {@code classLoader} (the context's; {@code null}: this class's).
   *
   * @throws LoaderSettingsException when no provider has that name (naming the artifact to add for a
   *     backend the settings know), or as the provider does for a bad setting
   */
  public static GamesQuery create(LoaderSettings settings, @Nullable ClassLoader classLoader) {
    String name = settings.backend();
    ClassLoader loader = classLoader != null ? classLoader : Backends.class.getClassLoader();
    List<String> known = new ArrayList<>();
    for (GamesQueryProvider provider : ServiceLoader.load(GamesQueryProvider.class, loader)) {
      if (provider.name().equals(name)) {
        return provider.create(settings);
      }
      known.add(provider.name());
    }
    throw LoaderSettingsException.unknownBackend(name, known);
  }
}
