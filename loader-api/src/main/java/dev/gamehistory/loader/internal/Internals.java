package dev.gamehistory.loader.internal;

import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.internal.batching.Batcher;
import dev.gamehistory.loader.internal.concurrent.Futures;
import dev.gamehistory.loader.internal.engine.AttemptContext;
import dev.gamehistory.loader.internal.engine.Caching;
import dev.gamehistory.loader.internal.engine.Engine;
import dev.gamehistory.loader.internal.engine.SequentialBackfill;
import dev.gamehistory.loader.internal.settings.DurationParser;
import dev.gamehistory.loader.internal.settings.SettingsKeys;
import dev.gamehistory.loader.internal.settings.SettingsLayer;
import dev.gamehistory.loader.internal.settings.SettingsParser;
import dev.gamehistory.loader.internal.text.Plural;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.SettingsSources;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.TimeSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one seam through which the public types reach the implementation: each method hands over to
 * the internal package of its concern (the engine, settings parsing, batching, text), so that no
 * public type imports any other internal type. Not API: it may change in any release.
 */
public final class Internals {

  /** The key of errors about reading a settings file. */
  public static final String CONFIG_KEY = SettingsLayer.CONFIG_KEY;

  private Internals() {}

  // ---- text -----------------------------------------------------------------------------------

  /** {@code n} with {@code one} or {@code many}: {@code 1 query}, {@code 2 queries}. */
  public static String count(long n, String one, String many) {
    return Plural.count(n, one, many);
  }

  /** A duration as settings write it: {@code 500ms}, {@code 30s}, {@code 1.5s}. */
  public static String format(Duration duration) {
    return DurationParser.format(duration);
  }

  // ---- requests -------------------------------------------------------------------------------

  /** The window a request and the settings start from, in days. */
  public static final int DEFAULT_LOOKBACK_DAYS = LoadRequest.DEFAULT_LOOKBACK_DAYS;
  /** The number of games a request and the settings start from. */
  public static final int DEFAULT_MAX_GAMES = LoadRequest.DEFAULT_MAX_GAMES;

  /**
   * Checks a window length as a request and the settings do.
   *
   * @throws IllegalArgumentException naming {@code lookbackDays} and the value when out of range
   */
  public static void checkLookbackDays(int lookbackDays) {
    if (lookbackDays < 1 || lookbackDays > LoadRequest.MAX_LOOKBACK_DAYS) {
      throw new IllegalArgumentException(
          "lookbackDays must be between 1 and " + LoadRequest.MAX_LOOKBACK_DAYS + " but was " + lookbackDays);
    }
  }

  /**
   * Checks a number of games as a request and the settings do.
   *
   * @throws IllegalArgumentException naming {@code maxGames} and the value when out of range
   */
  public static void checkMaxGames(int maxGames) {
    if (maxGames < 1 || maxGames > LoadRequest.MAX_MAX_GAMES) {
      throw new IllegalArgumentException(
          "maxGames must be between 1 and " + LoadRequest.MAX_MAX_GAMES + " but was " + maxGames);
    }
  }

  // ---- loaders --------------------------------------------------------------------------------

  /** The engine over {@code backend}, behind a cache when the settings enable one. */
  public static HistoricalGamesLoader build(GamesQuery backend, LoaderSettings settings, @Nullable TimeSource time,
      List<LoadListener> listeners) {
    return Caching.build(backend, settings, time, listeners);
  }

  /** A caching loader in front of {@code loader}, on {@code time} (a clock of its own when {@code null}). */
  public static CachingLoader caching(HistoricalGamesLoader loader, CachePolicy policy, @Nullable TimeSource time) {
    return Caching.wrap(loader, policy, time);
  }

  /** Checks that a caching loader can be made when the settings enable one, before a backend is made. */
  public static void requireCachingProvider(LoaderSettings settings) {
    Caching.requireStore(settings);
  }

  /** Starts a load and waits for it through the time source's work hook of the loader it reached. */
  public static <T> T awaitNoted(Supplier<CompletableFuture<T>> start) {
    return Futures.awaitNoted(start);
  }

  // ---- backfills -----------------------------------------------------------------------------

  /** A backfill of any loader: its dates one load after another. */
  public static Backfill backfill(HistoricalGamesLoader loader, BackfillRequest request) {
    return new SequentialBackfill(loader, request);
  }

  /** The multi-date queries the engine starts a backfill of {@code dates} with, for cost estimates. */
  public static List<DatesQuery> backfillQueries(List<LoadRequest> dates, BackfillPolicy policy) {
    return Engine.backfillQueries(dates, policy);
  }

  // ---- batching -------------------------------------------------------------------------------

  /** A {@link dev.gamehistory.loader.PlayerHistoryClient}'s gathering of single-player calls. */
  public interface Client {

    /** Adds a call; its future completes with the player's outcome. */
    CompletableFuture<PlayerOutcome> submit(String player, LocalDate gameDate, int lookbackDays, int maxGames);

    /** Waits for a call through the client's time source. */
    <T> T await(CompletableFuture<T> future);

    /** The policy. */
    BatchingPolicy policy();

    /** How many loads were sent so far. */
    long loadsSent();

    /** Fails the calls gathering, cancels the loads running, ends the client's threads. */
    void close();
  }

  /** The gathering of calls over {@code loader}; see {@link Batcher}. */
  public static Client client(HistoricalGamesLoader loader, BatchingPolicy policy, @Nullable TimeSource time) {
    Batcher batcher = new Batcher(loader, policy, time);
    return new Client() {
      @Override
      public CompletableFuture<PlayerOutcome> submit(String player, LocalDate gameDate, int lookbackDays,
          int maxGames) {
        return batcher.submit(player, gameDate, lookbackDays, maxGames);
      }

      @Override
      public <T> T await(CompletableFuture<T> future) {
        return batcher.await(future);
      }

      @Override
      public BatchingPolicy policy() {
        return batcher.policy();
      }

      @Override
      public long loadsSent() {
        return batcher.loadsSent();
      }

      @Override
      public void close() {
        batcher.close();
      }
    };
  }

  // ---- queries --------------------------------------------------------------------------------

  /** A query's context whose cancellation its holder controls, as the engine controls its own. */
  public interface ControlledContext extends QueryContext {
    /** Cancels the query: wakes every waiter and runs the cancel actions on the calling thread. */
    void cancel();
  }

  /**
   * The engine's own context for attempt {@code attempt} of query {@code queryId}, whose deadline is
   * {@code timeout} from now on {@code time}; cancel actions run on the cancelling thread.
   */
  public static ControlledContext queryContext(String queryId, int attempt, TimeSource time, Duration timeout) {
    AttemptContext context = new AttemptContext(queryId, attempt, time, timeout, Runnable::run);
    return new ControlledContext() {
      @Override
      public String queryId() {
        return context.queryId();
      }

      @Override
      public int attempt() {
        return context.attempt();
      }

      @Override
      public Instant deadline() {
        return context.deadline();
      }

      @Override
      public Duration remaining() {
        return context.remaining();
      }

      @Override
      public boolean isCancelled() {
        return context.isCancelled();
      }

      @Override
      public void onCancel(Runnable action) {
        context.onCancel(action);
      }

      @Override
      public boolean awaitCancellation(Duration max) throws InterruptedException {
        return context.awaitCancellation(max);
      }

      @Override
      public void cancel() {
        context.cancel();
      }
    };
  }

  // ---- settings -------------------------------------------------------------------------------

  /** One layer of settings, opaque to the public types. */
  public static final class Layer {
    private final SettingsLayer layer;

    private Layer(SettingsLayer layer) {
      this.layer = layer;
    }
  }

  /** A layer of keys and values from {@code origin}. */
  public static Layer valuesLayer(@Nullable String origin, Map<String, String> values) {
    return new Layer(SettingsLayer.values(origin, values));
  }

  /** A layer read from a {@code .properties} file, each value with its line. */
  public static Layer fileLayer(Path file) {
    return new Layer(SettingsLayer.file(file));
  }

  /** A layer whose every value has an origin of its own. */
  public static Layer sourcedLayer(Map<String, String> values, Map<String, String> origins) {
    return new Layer(SettingsLayer.sourced(values, origins));
  }

  /** A layer of {@code HGL_*} environment variables. */
  public static Layer environmentLayer(Map<String, String> environment) {
    return new Layer(SettingsLayer.environment(environment));
  }

  /** Merges the layers, lowest first, and parses the result. */
  public static SettingsSources.Resolved resolve(List<Layer> layers) {
    return SettingsParser.resolve(layers.stream().map(layer -> layer.layer).toList());
  }

  /** Every key settings may hold, in catalogue order. */
  public static Map<String, SettingsSources.KnownKey> knownKeys() {
    return SettingsKeys.catalogue();
  }

  /** A {@code .properties} file read as UTF-8 into a map sorted by key. */
  public static Map<String, String> readProperties(Path file) {
    return SettingsLayer.readProperties(file);
  }

  /** Settings parsed from keys and values and {@code HGL_*} variables. */
  public static LoaderSettings parse(Map<String, String> values, Map<String, String> environment) {
    return SettingsParser.parse(values, environment);
  }

  /** The settings as keys and values that parse back to them. */
  public static Map<String, String> toMap(LoaderSettings settings) {
    return SettingsParser.toMap(settings);
  }
}
