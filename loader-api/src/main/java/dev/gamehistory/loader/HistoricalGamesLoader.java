package dev.gamehistory.loader;

import dev.gamehistory.loader.internal.Internals;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.GamesQueryProvider;
import dev.gamehistory.loader.spi.TimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Loads players' recent game histories.
 *
 * <p>Every requested player ends with exactly one outcome: loaded (a list, empty only when the
 * player truly has no game in the window) or failed with a typed cause. A load returns by its
 * deadline plus a grace of at most {@link #DEADLINE_GRACE_MILLIS} ms, whatever the backend does.
 * Thread-safe: one instance is meant to be shared by a service and closed when it stops.
 */
public interface HistoricalGamesLoader extends AutoCloseable {

  /** The most a load may take beyond its deadline, in milliseconds. */
  long DEADLINE_GRACE_MILLIS = 200;

  /**
   * Loads the request's players, blocking until each has an outcome or the deadline passes. The
   * default waits for {@link #loadAsync}; the library's loaders wait through their time source
   * ({@link TimeSource#work()}), so on a manual clock (the testkit's {@code ManualTime}) they drive
   * time themselves.
   *
   * @throws IllegalStateException when the loader is closed
   * @throws LoadCancelledException when the calling thread is interrupted (the load is cancelled)
   */
  default LoadResult load(LoadRequest request) {
    return Internals.awaitNoted(() -> loadAsync(request));
  }

  /**
   * The time source this loader was given ({@link Builder#timeSource}), which loaders and clients
   * built on it share (a {@link PlayerHistoryClient}, a {@link #caching} loader); empty when the loader
   * keeps a clock of its own. The default is empty.
   */
  default java.util.Optional<TimeSource> timeSource() {
    return java.util.Optional.empty();
  }

  /**
   * Starts loading the request's players. Cancelling the future cancels the load's backend queries.
   *
   * @throws IllegalStateException when the loader is closed
   */
  CompletableFuture<LoadResult> loadAsync(LoadRequest request);

  /** The settings this loader runs with. */
  LoaderSettings settings();

  /**
   * Starts a backfill: many game dates, each date's result exactly what {@link #load} returns for its
   * request, read in date order from the returned {@link Backfill} as dates end, within one deadline
   * (the request's, else {@code backfill.deadline}). The library's engine puts many dates in one
   * query ({@code backfill.dates-per-query}); the default loads the dates one after another.
   *
   * @throws IllegalStateException when the loader is closed
   */
  default Backfill backfill(BackfillRequest request) {
    return Internals.backfill(this, request);
  }

  /** A request builder with this loader's default lookback days and max games. */
  default LoadRequest.Builder newRequest(java.time.LocalDate gameDate, java.util.Collection<String> players) {
    return LoadRequest.builder(gameDate, settings()).players(players);
  }

  /**
   * Cancels running loads (their outstanding players fail as cancelled), closes the backend and ends
   * every thread the loader started. Idempotent.
   */
  @Override
  void close();

  /** A builder; a backend is required. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * A {@link CachingLoader} in front of {@code loader}: loaded histories are kept as {@code policy}
   * says and overlapping loads share running queries. Closing it closes {@code loader}. It writes
   * its own per-load log line (with the cache's counts); {@code loader} keeps its listeners and log
   * line for the loads the cache makes of it. Waits are timed on {@code loader}'s
   * {@link #timeSource() time source} when it was given one, else on a timer thread of its own.
   *
   * @throws IllegalArgumentException when the policy is disabled
   * @throws IllegalStateException when no caching loader provider is on the class path (add
   *     {@code loader-cache})
   */
  static CachingLoader caching(HistoricalGamesLoader loader, CachePolicy policy) {
    Objects.requireNonNull(loader, "loader");
    return Internals.caching(loader, Objects.requireNonNull(policy, "policy"), loader.timeSource().orElse(null));
  }

  /**
   * As {@link #caching(HistoricalGamesLoader, CachePolicy)}, with waits and expiry timed on
   * {@code timeSource} (not shut down on close), e.g. the testkit's {@code ManualTime}.
   */
  static CachingLoader caching(HistoricalGamesLoader loader, CachePolicy policy, TimeSource timeSource) {
    return Internals.caching(Objects.requireNonNull(loader, "loader"), Objects.requireNonNull(policy, "policy"),
        Objects.requireNonNull(timeSource, "timeSource"));
  }

  /**
   * A loader over the backend the settings' {@code backend} key names, found with
   * {@link ServiceLoader} among the {@link GamesQueryProvider}s on the class path.
   *
   * @throws LoaderSettingsException when no provider has that name or its settings are bad
   */
  static HistoricalGamesLoader fromSettings(LoaderSettings settings) {
    Internals.requireCachingProvider(settings);
    String name = settings.backend();
    List<String> known = new ArrayList<>();
    for (GamesQueryProvider provider : ServiceLoader.load(GamesQueryProvider.class)) {
      if (provider.name().equals(name)) {
        return builder().settings(settings).backend(provider.create(settings)).build();
      }
      known.add(provider.name());
    }
    throw LoaderSettingsException.unknownBackend(name, known);
  }

  /** Builds a {@link HistoricalGamesLoader} running the engine over a backend. */
  final class Builder {
    private @Nullable GamesQuery backend;
    private LoaderSettings settings = LoaderSettings.defaults();
    private @Nullable TimeSource timeSource;
    private final List<LoadListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a listener of every query attempt and load; see {@link LoadListener}. The per-load log
     * line (logger {@code dev.gamehistory.loader.load}) is always there.
     */
    public Builder listener(LoadListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The backend; required. The loader closes it when closed. */
    public Builder backend(GamesQuery backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /** The settings; default {@link LoaderSettings#defaults()}. */
    public Builder settings(LoaderSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * The clock and scheduler; default the system clock with a scheduler thread the loader owns.
     * A time source given here is not shut down by {@link HistoricalGamesLoader#close()}.
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /**
     * The loader: the engine over the backend, behind a {@link CachingLoader} when the settings'
     * {@link LoaderSettings#cache() cache} is enabled. Listeners hear each load the caller made
     * (with the cache's counts) and each query attempt the engine ran.
     *
     * @throws IllegalStateException when no backend was given
     * @throws LoaderSettingsException naming {@code cache.enabled} when the cache is enabled and no
     *     cache store is on the class path (add {@code loader-cache})
     */
    public HistoricalGamesLoader build() {
      if (backend == null) {
        throw new IllegalStateException("a backend is required: call backend(...) before build()");
      }
      return Internals.build(backend, settings, timeSource, listeners);
    }
  }
}
