package dev.gamehistory.loader.bigquery.internal;

import dev.gamehistory.loader.bigquery.BigQueryGamesQuery;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.GamesQueryProvider;

/** Creates the BigQuery backend for {@code backend=bigquery}; registered for {@link java.util.ServiceLoader}. */
public final class BigQueryProvider implements GamesQueryProvider {

  /** A provider; {@link java.util.ServiceLoader} calls this. */
  public BigQueryProvider() {}

  @Override
  public String name() {
    return BigQueryGamesQuery.NAME;
  }

  @Override
  public GamesQuery create(LoaderSettings settings) {
    return BigQueryGamesQuery.builder().fromSettings(settings).build();
  }
}
