/**
 * Testing support on JUnit and AssertJ: manual time ({@link dev.gamehistory.loader.testkit.ManualTime}),
 * loaders over the in-memory backend ({@link dev.gamehistory.loader.testkit.InMemoryLoaders}),
 * AssertJ assertions ({@link dev.gamehistory.loader.testkit.HglAssertions}) and
 * {@link dev.gamehistory.loader.testkit.LoaderContractTest}, the contract suite every backend runs.
 * The in-memory backend itself, its league generator, CSV and fault plans are in
 * {@code dev.gamehistory.loader.inmemory} (artifact {@code loader-inmemory}, which the testkit brings).
 */
@NullMarked
@PublicApi
package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.annotations.PublicApi;
import org.jspecify.annotations.NullMarked;
