package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.internal.concurrent.SystemTimeSource;
import dev.gamehistory.loader.internal.settings.SettingsKeys;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.spi.CachingLoaderProvider;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.TimeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/** Puts a {@link CachingLoader} in front of a loader, made by the provider the class path holds. */
public final class Caching {

  /** What to add when no store is on the class path. */
  public static final String NO_STORE = "no cache store on the class path: add the dev.gamehistory:loader-cache module";

  private Caching() {}

  /**
   * A cache in front of {@code loader}, timing waits on {@code time} (a timer thread of its own when
   * {@code null}), writing its own per-load log line.
   *
   * @throws IllegalStateException when no {@link CachingLoaderProvider} is on the class path
   */
  public static CachingLoader wrap(HistoricalGamesLoader loader, CachePolicy policy, @Nullable TimeSource time) {
    if (!policy.enabled()) {
      throw new IllegalArgumentException("the cache policy must be enabled but was " + policy);
    }
    CachingLoaderProvider provider = provider();
    if (provider == null) {
      throw new IllegalStateException(NO_STORE);
    }
    TimeSource source = time == null ? new SystemTimeSource() : time;
    return provider.create(loader, policy, source, time == null, List.of(new LoadLog()));
  }

  /**
   * The engine over {@code backend}, behind a cache when the settings enable one; the listeners hear
   * the callers' loads from the cache and the query attempts from the engine.
   *
   * @throws LoaderSettingsException naming {@code cache.enabled} when a cache is enabled and no store
   *     is on the class path
   */
  public static HistoricalGamesLoader build(GamesQuery backend, LoaderSettings settings, @Nullable TimeSource time,
      List<LoadListener> listeners) {
    if (!settings.cache().enabled()) {
      return new Engine(backend, settings, time, listeners);
    }
    CachingLoaderProvider provider = java.util.Objects.requireNonNull(requireStore(settings));
    TimeSource source = time == null ? new SystemTimeSource() : time;
    Engine engine = new Engine(backend, settings, source, listeners, true);
    List<LoadListener> heard = new ArrayList<>();
    heard.add(new LoadLog());
    heard.addAll(listeners);
    return provider.create(engine, settings.cache(), source, time == null, heard);
  }

  /**
   * The caching provider when the settings enable a cache ({@code null} when they do not), checked
   * before a backend is made.
   *
   * @throws LoaderSettingsException naming {@code cache.enabled} when none is on the class path
   */
  public static @Nullable CachingLoaderProvider requireStore(LoaderSettings settings) {
    CachingLoaderProvider provider = settings.cache().enabled() ? provider() : null;
    if (settings.cache().enabled() && provider == null) {
      throw new LoaderSettingsException(SettingsKeys.CACHE_ENABLED, "true",
          SettingsKeys.CACHE_ENABLED + ": " + NO_STORE + "; got 'true'");
    }
    return provider;
  }

  private static @Nullable CachingLoaderProvider provider() {
    Iterator<CachingLoaderProvider> providers = ServiceLoader.load(CachingLoaderProvider.class).iterator();
    return providers.hasNext() ? providers.next() : null;
  }
}
