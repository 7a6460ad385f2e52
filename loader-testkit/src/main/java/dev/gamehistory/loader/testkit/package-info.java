/**
 * Testing support: an in-memory backend with the same semantics as BigQuery
 * ({@link dev.gamehistory.loader.testkit.InMemoryGamesQuery}), a seeded league generator, fault
 * injection as data, call recording, manual time, AssertJ assertions and
 * {@link dev.gamehistory.loader.testkit.LoaderContractTest}, the contract suite every backend runs.
 */
@NullMarked
@PublicApi
package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.annotations.PublicApi;
import org.jspecify.annotations.NullMarked;
