package dev.gamehistory.loader.micrometer;

import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.QueryStart;
import io.micrometer.observation.Observation;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The context of one query attempt's {@link Observation}: its load's request, its start, and how it ended. */
public final class QueryObservationContext extends Observation.Context {

  private final LoadRequest request;
  private final QueryStart start;
  private volatile @Nullable QueryAttempt attempt;

  /** The context of the query {@code start} of a load of {@code request}. */
  public QueryObservationContext(LoadRequest request, QueryStart start) {
    this.request = request;
    this.start = start;
  }

  /** The request of the load the query belongs to. */
  public LoadRequest request() {
    return request;
  }

  /** The query as it started. */
  public QueryStart start() {
    return start;
  }

  /** The query as it ended, once it has. */
  public Optional<QueryAttempt> attempt() {
    return Optional.ofNullable(attempt);
  }

  void ended(QueryAttempt value) {
    this.attempt = value;
  }
}
