/**
 * The in-memory backend ({@code backend=in-memory}), with the same semantics as BigQuery:
 * {@link dev.gamehistory.loader.inmemory.InMemoryGamesQuery} over rows
 * ({@link dev.gamehistory.loader.inmemory.GameRow}), a CSV file
 * ({@link dev.gamehistory.loader.inmemory.GamesCsv}) or a seeded league
 * ({@link dev.gamehistory.loader.inmemory.LeagueGenerator}); faults injected as data
 * ({@link dev.gamehistory.loader.inmemory.FaultPlan}) and every call recorded
 * ({@link dev.gamehistory.loader.inmemory.RecordedQuery}). It needs no test library, so an
 * application may run on it; the testkit ({@code loader-testkit}) adds manual time, AssertJ
 * assertions and the contract suite.
 */
@NullMarked
@PublicApi
package dev.gamehistory.loader.inmemory;

import dev.gamehistory.loader.annotations.PublicApi;
import org.jspecify.annotations.NullMarked;
