package dev.gamehistory.loader.micrometer;

import io.micrometer.common.KeyValues;
import java.util.Locale;

/**
 * The default names and keys of a load's observation: name {@code hgl.load} (the metrics' timer),
 * low-cardinality keys {@code strategy} and {@code outcome} (the metrics' tags; {@code none} until the
 * load ends), high-cardinality keys {@code hgl.players} (players requested), {@code hgl.game.date} and
 * {@code hgl.queries}.
 */
public class DefaultLoadObservationConvention implements LoadObservationConvention {

  /** The convention the loader uses when none is given. */
  public static final DefaultLoadObservationConvention INSTANCE = new DefaultLoadObservationConvention();

  /** A convention; subclass it to add keys. */
  public DefaultLoadObservationConvention() {}

  @Override
  public String getName() {
    return LoaderMetrics.LOAD;
  }

  @Override
  public String getContextualName(LoadObservationContext context) {
    return "hgl load";
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(LoadObservationContext context) {
    return KeyValues.of(
        "strategy", context.result().map(result -> result.report().strategyName()).orElse("none"),
        "outcome", context.result().map(result -> result.status().name().toLowerCase(Locale.ROOT)).orElse("none"));
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(LoadObservationContext context) {
    KeyValues values = KeyValues.of(
        "hgl.players", Integer.toString(context.request().players().size()),
        "hgl.game.date", context.request().gameDate().toString());
    return context.result()
        .map(result -> values.and("hgl.queries", Integer.toString(result.report().queryCount())))
        .orElse(values);
  }
}
