package dev.gamehistory.loader.micrometer;

import dev.gamehistory.loader.BackendStatistics;
import dev.gamehistory.loader.QueryAttempt;
import io.micrometer.common.KeyValues;
import java.util.Locale;

/**
 * The default names and keys of a query attempt's observation: name {@code hgl.query} (the metrics'
 * timer), low-cardinality keys {@code backend} and {@code outcome} (the metrics' tags; {@code none}
 * until it ends), high-cardinality keys {@code hgl.players}, {@code hgl.attempt}, {@code hgl.stage},
 * and where the backend reports them {@code hgl.job.id} (or {@code hgl.query.id}),
 * {@code hgl.bytes.processed}, {@code hgl.bytes.billed} and {@code hgl.rows}.
 */
public class DefaultQueryObservationConvention implements QueryObservationConvention {

  /** The convention the loader uses when none is given. */
  public static final DefaultQueryObservationConvention INSTANCE = new DefaultQueryObservationConvention();

  /** A convention; subclass it to add keys. */
  public DefaultQueryObservationConvention() {}

  @Override
  public String getName() {
    return LoaderMetrics.QUERY;
  }

  @Override
  public String getContextualName(QueryObservationContext context) {
    return "hgl query";
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(QueryObservationContext context) {
    return KeyValues.of(
        "backend", context.start().backend(),
        "outcome", context.attempt().map(attempt -> attempt.outcome().name().toLowerCase(Locale.ROOT)).orElse("none"));
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(QueryObservationContext context) {
    KeyValues values = KeyValues.of(
        "hgl.players", Integer.toString(context.start().players().size()),
        "hgl.attempt", Integer.toString(context.start().attempt()),
        "hgl.stage", context.start().stage());
    QueryAttempt attempt = context.attempt().orElse(null);
    if (attempt == null) {
      return values;
    }
    values = values.and("hgl.rows", Long.toString(attempt.rows()));
    BackendStatistics statistics = attempt.statistics().orElse(null);
    if (statistics == null) {
      return values;
    }
    if (statistics.jobId().isPresent()) {
      values = values.and("hgl.job.id", statistics.jobId().get());
    } else if (statistics.queryId().isPresent()) {
      values = values.and("hgl.query.id", statistics.queryId().get());
    }
    if (statistics.bytesProcessed().isPresent()) {
      values = values.and("hgl.bytes.processed", Long.toString(statistics.bytesProcessed().getAsLong()));
    }
    if (statistics.bytesBilled().isPresent()) {
      values = values.and("hgl.bytes.billed", Long.toString(statistics.bytesBilled().getAsLong()));
    }
    return values;
  }
}
