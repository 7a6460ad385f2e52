package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test a loader over the in-memory backend on {@link ManualTime},
 * made when the test first asks for it and closed after the test:
 *
 * <pre>{@code
 * @RegisterExtension
 * final HglLoaderExtension hgl = HglLoaderExtension.league(42, 1)
 *     .withSettings(Map.of("strategy", "adaptive", "query-timeout", "2s"));
 *
 * @Test
 * void prepare_firstQueryHangs_everyPlayerStillLoads() {
 *   hgl.faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.hang()).build());
 *   LoadResult result = hgl.loader().load(request); // drives manual time itself
 *   assertThat(hgl.backend().history()).hasSize(3);
 * }
 * }</pre>
 *
 * <p>The data is a generated league ({@link #league}, the default: seed 42, one season), a games CSV
 * ({@link #csv}) or rows ({@link #rows}); the settings, a fault plan and a batching policy apply to every
 * test ({@code with...}) or to one ({@link #faults}, before the test first asks for the loader). A test
 * method may also take the {@link HistoricalGamesLoader}, {@link ManualTime}, {@link InMemoryGamesQuery},
 * {@link League} or {@link PlayerHistoryClient} as parameters. {@code @ExtendWith(HglLoaderExtension.class)}
 * gives the defaults. Whatever the test asked for is closed after it, even when made before it (in a
 * field initialiser, a constructor or {@code @BeforeAll}). One test at a time per instance (a
 * {@code static} field with parallel test execution would mix tests); to give one test faults of its
 * own, call {@link #faults} before the test first asks for the loader (so not with the loader as a
 * parameter); one extension per test class hierarchy resolves parameters ({@code @Nested} classes
 * share the outer one's).
 */
public final class HglLoaderExtension implements AfterEachCallback, AfterAllCallback, ParameterResolver {

  private final Consumer<InMemoryGamesQuery.Builder> data;
  private final @Nullable League league;
  private final LoaderSettings settings;
  private final FaultPlan faults;
  private final @Nullable BatchingPolicy batching;

  // The current test's, made on first use.
  private @Nullable FaultPlan testFaults;
  private @Nullable ManualTime time;
  private @Nullable InMemoryGamesQuery backend;
  private @Nullable HistoricalGamesLoader loader;
  private @Nullable PlayerHistoryClient client;

  /** A generated league (seed 42, one season) and the default settings; for {@code @ExtendWith}. */
  public HglLoaderExtension() {
    this(LeagueGenerator.generate(42, 1));
  }

  private HglLoaderExtension(League league) {
    this(builder -> builder.league(league), league, LoaderSettings.defaults(), FaultPlan.none(), null);
  }

  private HglLoaderExtension(Consumer<InMemoryGamesQuery.Builder> data, @Nullable League league, LoaderSettings settings,
      FaultPlan faults, @Nullable BatchingPolicy batching) {
    this.data = data;
    this.league = league;
    this.settings = settings;
    this.faults = faults;
    this.batching = batching;
  }

  /** Tests over the league {@link LeagueGenerator#generate(long, int)} makes of {@code seed} and {@code seasons}. */
  public static HglLoaderExtension league(long seed, int seasons) {
    return new HglLoaderExtension(LeagueGenerator.generate(seed, seasons));
  }

  /** Tests over the games of a CSV file (see {@link dev.gamehistory.loader.inmemory.GamesCsv}), read once. */
  public static HglLoaderExtension csv(Path file) {
    List<GameRow> rows = dev.gamehistory.loader.inmemory.GamesCsv.read(file);
    return rows(rows);
  }

  /** Tests over these rows. */
  public static HglLoaderExtension rows(List<GameRow> rows) {
    List<GameRow> copy = List.copyOf(rows);
    return new HglLoaderExtension(builder -> builder.rows(copy), null, LoaderSettings.defaults(), FaultPlan.none(),
        null);
  }

  /**
   * The same, every test's loader with {@code value}.
   *
   * @throws IllegalArgumentException when the settings name another backend than the in-memory one
   *     the extension provides, or in-memory data keys (the extension's data is given by its factory)
   */
  public HglLoaderExtension withSettings(LoaderSettings value) {
    Objects.requireNonNull(value, "settings");
    if (!value.backend().equals(InMemoryGamesQuery.NAME)) {
      throw new IllegalArgumentException("backend: the extension's loaders run on the in-memory backend; got '"
          + value.backend() + "'");
    }
    value.backendProperties().keySet().stream().filter(key -> key.startsWith("in-memory.")).findFirst()
        .ifPresent(key -> {
          throw new IllegalArgumentException(key + ": the extension's data comes from league(...), csv(...) or"
              + " rows(...); got '" + value.backendProperties().get(key) + "'");
        });
    return new HglLoaderExtension(data, league, value, faults, batching);
  }

  /**
   * The same, every test's loader with the settings of these keys (as {@link LoaderSettings#fromMap}).
   *
   * @throws dev.gamehistory.loader.settings.LoaderSettingsException naming a bad key or value
   */
  public HglLoaderExtension withSettings(Map<String, String> values) {
    return withSettings(LoaderSettings.fromMap(values));
  }

  /** The same, every test's backend injecting {@code value}'s faults. */
  public HglLoaderExtension withFaults(FaultPlan value) {
    return new HglLoaderExtension(data, league, settings, Objects.requireNonNull(value, "faults"), batching);
  }

  /** The same, every test's {@link #client()} batching as {@code value} says (default: the settings'). */
  public HglLoaderExtension withBatching(BatchingPolicy value) {
    return new HglLoaderExtension(data, league, settings, faults, Objects.requireNonNull(value, "batching"));
  }

  /**
   * This test's backend injects {@code value}'s faults instead of the extension's.
   *
   * @throws IllegalStateException when this test has already asked for its backend or loader
   */
  public HglLoaderExtension faults(FaultPlan value) {
    Objects.requireNonNull(value, "faults");
    if (backend != null) {
      throw new IllegalStateException("this test's backend is already made: set its faults before the first"
          + " loader(), backend() or client()");
    }
    testFaults = value;
    return this;
  }

  /** This test's manual clock. */
  public ManualTime time() {
    if (time == null) {
      time = ManualTime.create();
    }
    return time;
  }

  /** This test's in-memory backend: its call history, its faults. */
  public InMemoryGamesQuery backend() {
    if (backend == null) {
      InMemoryGamesQuery.Builder builder = InMemoryGamesQuery.builder()
          .faults(testFaults != null ? testFaults : faults).timeSource(time());
      data.accept(builder);
      backend = builder.build();
    }
    return backend;
  }

  /** This test's loader: the engine over {@link #backend()} on {@link #time()}, with the extension's settings. */
  public HistoricalGamesLoader loader() {
    if (loader == null) {
      loader = InMemoryLoaders.create(settings, backend(), time());
    }
    return loader;
  }

  /** This test's {@link PlayerHistoryClient} over {@link #loader()}, on {@link #time()}. */
  public PlayerHistoryClient client() {
    if (client == null) {
      client = PlayerHistoryClient.of(loader(), batching != null ? batching : settings.batching(), time());
    }
    return client;
  }

  /**
   * The generated league the data comes from.
   *
   * @throws IllegalStateException when the data is a CSV or rows
   */
  public League league() {
    if (league == null) {
      throw new IllegalStateException("the data is not a generated league: use HglLoaderExtension.league(...)");
    }
    return league;
  }

  /** Closes what a class-level use made and no test closed (a {@code @BeforeAll} method's loader). */
  @Override
  public void afterAll(ExtensionContext context) {
    afterEach(context);
  }

  /**
   * Closes this test's client and loader (which closes the backend), whenever they were made: in the
   * test, in a field initialiser or a constructor of its instance, or as its parameters.
   */
  @Override
  public void afterEach(ExtensionContext context) {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      try {
        if (loader != null) {
          loader.close();
        } else if (backend != null) {
          backend.close();
        }
      } finally {
        reset();
      }
    }
  }

  private void reset() {
    testFaults = null;
    time = null;
    backend = null;
    loader = null;
    client = null;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == HistoricalGamesLoader.class || type == ManualTime.class || type == InMemoryGamesQuery.class
        || type == PlayerHistoryClient.class || type == League.class && league != null;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == HistoricalGamesLoader.class) {
      return loader();
    } else if (type == ManualTime.class) {
      return time();
    } else if (type == InMemoryGamesQuery.class) {
      return backend();
    } else if (type == PlayerHistoryClient.class) {
      return client();
    } else if (type == League.class) {
      return league();
    }
    throw new ParameterResolutionException("HglLoaderExtension cannot give a " + type.getName());
  }

  @Override
  public String toString() {
    return "HglLoaderExtension{" + (league != null ? "league" : "rows") + ", " + settings.strategy().describe() + "}";
  }
}
