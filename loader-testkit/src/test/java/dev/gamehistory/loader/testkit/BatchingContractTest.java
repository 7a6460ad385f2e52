package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

/**
 * The contract suite through a {@link PlayerHistoryClient}: each requested player is asked for by
 * its own call, the calls are gathered into loads of at most 50 players, and the outcomes are put
 * back together in request order.
 */
class BatchingContractTest extends LoaderContractTest {

  private static final BatchingPolicy POLICY = new BatchingPolicy(Duration.ofMillis(1), 50);

  @Override
  protected HistoricalGamesLoader createLoader(List<GameRow> rows, LoaderSettings settings) {
    List<QueryAttempt> attempts = new CopyOnWriteArrayList<>();
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().settings(settings)
        .backend(InMemoryGamesQuery.of(rows)).listener(recording(attempts)).build();
    return new OneCallPerPlayer(loader, PlayerHistoryClient.of(loader, POLICY), attempts);
  }

  @Override
  protected HistoricalGamesLoader createHangingLoader(List<GameRow> rows, LoaderSettings settings, TimeSource time) {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(rows).faults(FaultPlan.always(Fault.hang())).build();
    List<QueryAttempt> attempts = new CopyOnWriteArrayList<>();
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().settings(settings).backend(backend)
        .timeSource(time).listener(recording(attempts)).build();
    return new OneCallPerPlayer(loader, PlayerHistoryClient.of(loader, POLICY, time), attempts);
  }

  private static LoadListener recording(List<QueryAttempt> attempts) {
    return new LoadListener() {
      @Override
      public void onQueryEnd(LoadRequest request, QueryAttempt attempt) {
        attempts.add(attempt);
      }
    };
  }

  @Override
  protected LoaderSettings settings() {
    return LoaderSettings.builder().strategy(Strategy.batch()).build();
  }

  /**
   * A loader that asks the client for each player on its own; its report holds the query attempts
   * the loads ran meanwhile (the suite runs one load at a time).
   */
  private record OneCallPerPlayer(HistoricalGamesLoader loader, PlayerHistoryClient client,
      List<QueryAttempt> attempts) implements HistoricalGamesLoader {

    @Override
    public LoadResult load(LoadRequest request) {
      try {
        return loadAsync(request).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
      attempts.clear();
      List<CompletableFuture<PlayerOutcome>> calls = request.players().stream()
          .map(p -> client.loadAsync(p, request.gameDate(), request.lookbackDays(), request.maxGames()))
          .toList();
      return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done -> LoadResult.of(
          calls.stream().map(CompletableFuture::join).toList(),
          new LoadReport("batch", "batch", "in-memory", Instant.EPOCH, settings().timeouts().deadline(),
              Duration.ZERO, List.copyOf(attempts), List.of())));
    }

    @Override
    public LoaderSettings settings() {
      return loader.settings();
    }

    @Override
    public java.util.Optional<TimeSource> timeSource() {
      return loader.timeSource();
    }

    @Override
    public void close() {
      client.close();
      loader.close();
    }
  }
}
