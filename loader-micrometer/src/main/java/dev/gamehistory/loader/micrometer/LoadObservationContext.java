package dev.gamehistory.loader.micrometer;

import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import io.micrometer.observation.Observation;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The context of one load's {@link Observation}: its request, and its result once it has ended. */
public final class LoadObservationContext extends Observation.Context {

  private final LoadRequest request;
  private volatile @Nullable LoadResult result;

  /** The context of a load of {@code request}. */
  public LoadObservationContext(LoadRequest request) {
    this.request = request;
  }

  /** The load's request. */
  public LoadRequest request() {
    return request;
  }

  /** The load's result, once it has ended. */
  public Optional<LoadResult> result() {
    return Optional.ofNullable(result);
  }

  void ended(LoadResult value) {
    this.result = value;
  }
}
