package dev.gamehistory.loader.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A loader asked for in a field initialiser, before any callback of the extension, is the test's own and closed after it. */
class HglLoaderExtensionFieldTest {

  private static final List<HistoricalGamesLoader> SEEN = new ArrayList<>();

  @RegisterExtension
  final HglLoaderExtension hgl = new HglLoaderExtension();

  private final HistoricalGamesLoader early = hgl.loader();

  @RepeatedTest(2)
  void loader_madeInAFieldInitialiser_isThisTestsLoader() {
    assertThat(early).isSameAs(hgl.loader());
    SEEN.add(early);
  }

  @AfterAll
  static void eachWasClosedAfterItsTest() {
    assertThat(SEEN).hasSize(2).doesNotHaveDuplicates().allSatisfy(loader ->
        assertThatThrownBy(() -> loader.loadAsync(LoadRequest.of(LocalDate.of(2024, 1, 1), List.of("a"))))
            .isInstanceOf(IllegalStateException.class).hasMessage("loader is closed"));
  }
}
