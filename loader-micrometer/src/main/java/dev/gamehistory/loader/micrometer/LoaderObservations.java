package dev.gamehistory.loader.micrometer;

import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoadScope;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.QueryStart;
import dev.gamehistory.loader.annotations.PublicApi;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Micrometer {@link Observation} per load and per query attempt, as a {@link LoadListener}: one
 * instrumentation point for traces (a span per load, a child span per query) and, through the
 * registry's meter handler, the {@code hgl.load} and {@code hgl.query} timers.
 *
 * <pre>{@code
 * HistoricalGamesLoader loader = HistoricalGamesLoader.builder()
 *     .backend(backend).settings(settings)
 *     .listener(LoaderObservations.of(observationRegistry))
 *     .listener(LoaderMetrics.of(meterRegistry).withoutTimers())
 *     .build();
 * }</pre>
 *
 * <p>Keys: {@link DefaultLoadObservationConvention} and {@link DefaultQueryObservationConvention}
 * (low-cardinality keys equal to the metrics' tags; player counts, the job id and bytes as
 * high-cardinality ones); give conventions of your own with {@link #withConventions}. A load's
 * observation starts when the load starts and stops when it ends; a query's observation is a child of
 * its load's, started when its backend call begins and stopped when it ends, with the failure as
 * its error when it failed or timed out. With {@link LoaderMetrics} beside it, use
 * {@link LoaderMetrics#withoutTimers()} so that no load or query is timed twice. Behind a
 * {@link dev.gamehistory.loader.CachingLoader} built from settings, the loads observed are the
 * callers' and the queries those the engine ran (not children of a caller's load: a query may serve
 * several).
 */
@PublicApi
public final class LoaderObservations implements LoadListener {

  private final ObservationRegistry registry;
  private final @Nullable LoadObservationConvention loadConvention;
  private final @Nullable QueryObservationConvention queryConvention;
  /** This listener's key in a load's scope: no other listener's state is touched. */
  private final Object loadKey = new Object();

  private LoaderObservations(ObservationRegistry registry, @Nullable LoadObservationConvention loadConvention,
      @Nullable QueryObservationConvention queryConvention) {
    this.registry = registry;
    this.loadConvention = loadConvention;
    this.queryConvention = queryConvention;
  }

  /** Observations on {@code registry} with the default conventions. */
  public static LoaderObservations of(ObservationRegistry registry) {
    return new LoaderObservations(Objects.requireNonNull(registry, "registry"), null, null);
  }

  /** The same observations named and keyed by the given conventions. */
  public LoaderObservations withConventions(LoadObservationConvention load, QueryObservationConvention query) {
    return new LoaderObservations(registry, Objects.requireNonNull(load, "load"), Objects.requireNonNull(query, "query"));
  }

  @Override
  public void onLoadStart(LoadScope load) {
    Observation observation = Observation.createNotStarted(loadConvention, DefaultLoadObservationConvention.INSTANCE,
        () -> new LoadObservationContext(load.request()), registry);
    load.put(loadKey, observation.start());
  }

  @Override
  public void onQueryStart(LoadScope load, QueryStart query) {
    Observation observation = Observation.createNotStarted(queryConvention, DefaultQueryObservationConvention.INSTANCE,
        () -> new QueryObservationContext(load.request(), query), registry);
    Observation parent = load.get(loadKey, Observation.class);
    if (parent != null) {
      observation.parentObservation(parent);
    }
    load.put(new QueryKey(loadKey, query.id()), observation.start());
  }

  @Override
  public void onQueryEnd(LoadScope load, QueryAttempt attempt) {
    Observation observation = load.remove(new QueryKey(loadKey, attempt.id()), Observation.class);
    if (observation == null) {
      return;
    }
    if (observation.getContext() instanceof QueryObservationContext context) {
      context.ended(attempt);
    }
    if (attempt.outcome() == QueryAttempt.Outcome.FAILED || attempt.outcome() == QueryAttempt.Outcome.TIMED_OUT) {
      attempt.failure().ifPresent(observation::error);
    }
    observation.stop();
  }

  @Override
  public void onLoadEnd(LoadScope load, LoadResult result) {
    Observation observation = load.remove(loadKey, Observation.class);
    if (observation == null) {
      return;
    }
    if (observation.getContext() instanceof LoadObservationContext context) {
      context.ended(result);
    }
    observation.stop();
  }

  @Override
  public String toString() {
    return "LoaderObservations{" + registry + "}";
  }

  /** A query's observation in its load's scope. */
  private record QueryKey(Object owner, int id) {}
}
