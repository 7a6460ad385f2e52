package dev.gamehistory.examples.coordinator;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.SettingsSources;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a game day: loads the history of every player on the slate and sends each player's to a
 * prediction worker as a {@link WorkerMessage}.
 *
 * <p><b>Why failures are handled here, explicitly.</b> A loader that turns a failure into an empty
 * history makes a timed-out star look like a rookie without games, and every prediction built on
 * that is wrong without anyone knowing. The loader never does that: each player ends loaded or
 * failed with a typed cause. This coordinator keeps that distinction all the way to the worker:
 *
 * <ol>
 *   <li>It loads the whole slate in one load and sends every loaded player at once, so workers
 *       start while failures are dealt with.
 *   <li>It loads the players that failed once more, alone, in a second load with its own deadline.
 *       A smaller load often succeeds where the large one did not: the transient error has passed,
 *       or a query of fewer players finishes within its timeout.
 *   <li>It sends the players that still fail with {@code historyMissing=true} and the failure kind
 *       as the reason, never with an empty history, so the worker can skip, flag or fall back
 *       knowingly.
 * </ol>
 *
 * <p>Not thread-safe: one {@link #prepare} at a time. Closing the coordinator closes its loader.
 */
public final class GameDayCoordinator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GameDayCoordinator.class);

  private final HistoricalGamesLoader loader;
  private final Slate slate;
  private final WorkerSink sink;
  private final Duration retryDeadline;

  private GameDayCoordinator(Builder builder) {
    this.loader = Objects.requireNonNull(builder.loader, "loader");
    this.slate = Objects.requireNonNull(builder.slate, "slate");
    this.sink = Objects.requireNonNull(builder.sink, "sink");
    this.retryDeadline = builder.retryDeadline != null ? builder.retryDeadline : loader.settings().timeouts().deadline();
  }

  /** A builder; loader, slate and sink are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A coordinator over the loader the settings describe ({@link HistoricalGamesLoader#fromSettings}).
   *
   * @throws dev.gamehistory.loader.settings.LoaderSettingsException for bad settings or an unknown backend
   */
  public static GameDayCoordinator fromSettings(LoaderSettings settings, Slate slate, WorkerSink sink) {
    return builder().loader(HistoricalGamesLoader.fromSettings(settings)).slate(slate).sink(sink).build();
  }

  /**
   * A coordinator configured by properties (e.g. a file) with {@code HGL_*} environment variables
   * overriding them: the settings keys of the README.
   *
   * @throws dev.gamehistory.loader.settings.LoaderSettingsException for bad settings or an unknown backend
   */
  public static GameDayCoordinator fromProperties(Properties properties, Map<String, String> environment, Slate slate,
      WorkerSink sink) {
    Map<String, String> values = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      values.put(name, properties.getProperty(name));
    }
    LoaderSettings settings = SettingsSources.builder()
        .add("properties", values)
        .environment(environment)
        .build()
        .resolve()
        .settings();
    return fromSettings(settings, slate, sink);
  }

  /**
   * Loads the slate of {@code gameDate} and sends one message per player: loaded players after the
   * first load, then, after one retry of the failed players alone, the recovered ones with their
   * history and the rest flagged as missing.
   *
   * @throws dev.gamehistory.loader.LoadCancelledException when the thread is interrupted
   */
  public GameDayReport prepare(LocalDate gameDate) {
    Objects.requireNonNull(gameDate, "gameDate");
    List<String> players = List.copyOf(new LinkedHashSet<>(slate.playersOn(gameDate)));
    if (players.isEmpty()) {
      return new GameDayReport(gameDate, players, 0, List.of(), Map.of(), Optional.empty(), Optional.empty());
    }
    LoadResult first = loader.load(loader.newRequest(gameDate, players).build());
    int delivered = 0;
    for (Map.Entry<String, PlayerOutcome> entry : first.outcomes().entrySet()) {
      if (entry.getValue() instanceof PlayerOutcome.Loaded loaded) {
        sink.send(WorkerMessage.loaded(loaded.player(), gameDate, loaded.games()));
        delivered++;
      }
    }
    List<String> failed = new ArrayList<>(first.failedPlayers());
    if (failed.isEmpty()) {
      return new GameDayReport(gameDate, players, delivered, List.of(), Map.of(), Optional.of(first.report()),
          Optional.empty());
    }
    LOG.info("{} of {} {} failed on {} ({}); loading them again alone", failed.size(), players.size(),
        players.size() == 1 ? "player" : "players", gameDate, first.report().summary());
    LoadRequest retryRequest = loader.newRequest(gameDate, failed).deadline(retryDeadline).build();
    LoadResult retry = loader.load(retryRequest);
    Map<String, FailureKind> missing = new LinkedHashMap<>();
    for (PlayerOutcome outcome : retry.outcomes().values()) {
      if (outcome instanceof PlayerOutcome.Loaded loaded) {
        sink.send(WorkerMessage.loaded(loaded.player(), gameDate, loaded.games()));
        delivered++;
      } else if (outcome instanceof PlayerOutcome.Failed stillFailed) {
        LOG.warn("history of {} for {} is missing: {}", stillFailed.player(), gameDate, stillFailed.cause().getMessage());
        sink.send(WorkerMessage.missing(stillFailed.player(), gameDate, stillFailed.kind()));
        missing.put(stillFailed.player(), stillFailed.kind());
      }
    }
    return new GameDayReport(gameDate, players, delivered, failed, missing, Optional.of(first.report()),
        Optional.of(retry.report()));
  }

  /** The loader's settings. */
  public LoaderSettings settings() {
    return loader.settings();
  }

  /** Closes the loader (cancelling a running load). */
  @Override
  public void close() {
    loader.close();
  }

  /** Builds a {@link GameDayCoordinator}. */
  public static final class Builder {
    private @Nullable HistoricalGamesLoader loader;
    private @Nullable Slate slate;
    private @Nullable WorkerSink sink;
    private @Nullable Duration retryDeadline;

    private Builder() {}

    /** The loader; required. The coordinator closes it when closed. */
    public Builder loader(HistoricalGamesLoader loader) {
      this.loader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /** Where the players of a date come from; required. */
    public Builder slate(Slate slate) {
      this.slate = Objects.requireNonNull(slate, "slate");
      return this;
    }

    /** Where messages go; required. */
    public Builder sink(WorkerSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * The deadline of the retry load, measured from its start; default the loader's deadline.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder retryDeadline(Duration retryDeadline) {
      Objects.requireNonNull(retryDeadline, "retryDeadline");
      if (retryDeadline.isNegative() || retryDeadline.isZero()) {
        throw new IllegalArgumentException("retryDeadline must be positive but was " + retryDeadline);
      }
      this.retryDeadline = retryDeadline;
      return this;
    }

    /**
     * The coordinator.
     *
     * @throws IllegalStateException when the loader, slate or sink is missing
     */
    public GameDayCoordinator build() {
      if (loader == null || slate == null || sink == null) {
        throw new IllegalStateException("loader, slate and sink are required but "
            + (loader == null ? "loader" : slate == null ? "slate" : "sink") + " is missing");
      }
      return new GameDayCoordinator(this);
    }
  }
}
