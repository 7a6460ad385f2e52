/**
 * The BigQuery backend: {@link dev.gamehistory.loader.bigquery.BigQueryGamesQuery} runs the
 * loader's one parameterised statement as a BigQuery job that is cancelled when the engine stops
 * waiting; {@link dev.gamehistory.loader.bigquery.BigQueryTableSeeder} creates and fills a table of
 * the expected shape for tests and demos.
 */
@NullMarked
@PublicApi
package dev.gamehistory.loader.bigquery;

import dev.gamehistory.loader.annotations.PublicApi;
import org.jspecify.annotations.NullMarked;
