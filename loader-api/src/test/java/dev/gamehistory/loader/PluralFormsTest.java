package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.internal.text.Plural;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.CachePolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Counts in messages and descriptions take the noun's number: {@code 1 player}, {@code 2 players}. */
class PluralFormsTest {

  @Test
  void queryTimeout_onePlayerAndMany() {
    assertThat(QueryTimeoutException.of(Duration.ofMillis(200), 1))
        .hasMessage("query for 1 player did not finish within its timeout of 200 ms; cancelled");
    assertThat(QueryTimeoutException.of(Duration.ofMillis(200), 2))
        .hasMessage("query for 2 players did not finish within its timeout of 200 ms; cancelled");
  }

  @Test
  void describe_onePlayerAndMany() {
    assertThat(new CachePolicy(true, 1, Duration.ofSeconds(1)).describe()).isEqualTo("cache 1 player for 1000 ms");
    assertThat(new CachePolicy(true, 2, Duration.ofSeconds(1)).describe()).isEqualTo("cache 2 players for 1000 ms");
    assertThat(new BatchingPolicy(Duration.ofMillis(2), 1).describe()).isEqualTo("batch up to 1 player within 2ms");
  }

  @Test
  void count_oneAndOthers() {
    assertThat(Plural.count(0, "query", "queries")).isEqualTo("0 queries");
    assertThat(Plural.count(1, "query", "queries")).isEqualTo("1 query");
    assertThat(Plural.count(1, "retry", "retries")).isEqualTo("1 retry");
    assertThat(Plural.count(12, "split", "splits")).isEqualTo("12 splits");
  }
}
