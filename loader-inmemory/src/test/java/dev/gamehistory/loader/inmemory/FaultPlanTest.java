package dev.gamehistory.loader.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

  private static final WindowQuery QUERY = new WindowQuery(List.of("alpha", "beta"), LocalDate.of(2024, 3, 1), 90, 30);

  @Test
  void decide_noRules_answersAtOnce() {
    FaultPlan.Decision decision = FaultPlan.none().decide(1, QUERY);

    assertThat(decision.latency()).isZero();
    assertThat(decision.outcome()).isEmpty();
    assertThat(decision.applied()).isEmpty();
  }

  @Test
  void decide_firstMatchingOutcomeWinsAndLatenciesAdd() {
    FaultPlan plan = FaultPlan.builder()
        .always(Fault.latency(Duration.ofMillis(100)))
        .always(Fault.transientError())
        .always(Fault.latency(Duration.ofMillis(50)))
        .always(Fault.permanentError())
        .build();

    FaultPlan.Decision decision = plan.decide(1, QUERY);

    assertThat(decision.latency()).isEqualTo(Duration.ofMillis(150));
    assertThat(decision.outcome()).contains(Fault.transientError("backendError"));
    assertThat(decision.applied()).containsExactly(
        Fault.latency(Duration.ofMillis(100)), Fault.transientError(), Fault.latency(Duration.ofMillis(50)));
  }

  @Test
  void everyNth_matchesFromTheOffsetEveryKthQuery() {
    FaultPlan plan = FaultPlan.builder().on(QuerySelector.everyNth(4, 1), Fault.hang()).build();

    assertThat(matching(plan, 12)).containsExactly(1, 5, 9);
    assertThat(matching(FaultPlan.builder().on(QuerySelector.everyNth(3, 2), Fault.hang()).build(), 9))
        .containsExactly(2, 5, 8);
  }

  @Test
  void nth_matchesTheListedQueries() {
    FaultPlan plan = FaultPlan.builder().on(QuerySelector.nth(2, 5), Fault.permanentError()).build();

    assertThat(matching(plan, 8)).containsExactly(2, 5);
  }

  @Test
  void containingPlayer_matchesQueriesAskingForThePlayer() {
    FaultPlan plan = FaultPlan.builder().on(QuerySelector.containingPlayer("beta"), Fault.permanentError()).build();
    WindowQuery withoutBeta = new WindowQuery(List.of("alpha"), LocalDate.of(2024, 3, 1), 90, 30);

    assertThat(plan.decide(1, QUERY).outcome()).contains(Fault.permanentError());
    assertThat(plan.decide(2, withoutBeta).outcome()).isEmpty();
  }

  @Test
  void share_isSeededAndNearTheShare() {
    FaultPlan plan = FaultPlan.builder().seed(7).on(QuerySelector.share(0.25), Fault.transientError()).build();
    FaultPlan same = FaultPlan.builder().seed(7).on(QuerySelector.share(0.25), Fault.transientError()).build();
    FaultPlan other = FaultPlan.builder().seed(8).on(QuerySelector.share(0.25), Fault.transientError()).build();

    List<Integer> hits = matching(plan, 10_000);

    assertThat(hits).hasSizeBetween(2_300, 2_700);
    assertThat(matching(same, 10_000)).isEqualTo(hits);
    assertThat(matching(other, 10_000)).isNotEqualTo(hits);
  }

  @Test
  void latencyDistribution_staysInRangeAndIsTheSameForTheSameQueryNumber() {
    FaultPlan plan = FaultPlan.builder().seed(3)
        .always(Fault.latency(Duration.ofMillis(10), Duration.ofMillis(20))).build();

    List<Duration> latencies = IntStream.rangeClosed(1, 1_000).mapToObj(n -> plan.decide(n, QUERY).latency()).toList();

    assertThat(latencies).allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(10), Duration.ofMillis(20)));
    assertThat(latencies.stream().distinct().count()).isGreaterThan(900);
    assertThat(plan.decide(17, QUERY).latency()).isEqualTo(latencies.get(16));
  }

  @Test
  void decide_queryNumberBelowOne_isRejected() {
    assertThatThrownBy(() -> FaultPlan.none().decide(0, QUERY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("query numbers start at 1 but got 0");
  }

  @Test
  void selectors_badArguments_areRejectedNamingTheValue() {
    assertThatThrownBy(() -> QuerySelector.everyNth(0, 1)).hasMessage("k must be at least 1 but was 0");
    assertThatThrownBy(() -> QuerySelector.everyNth(2, 0)).hasMessage("offset must be at least 1 but was 0");
    assertThatThrownBy(() -> QuerySelector.nth(3, 0)).hasMessage("query numbers start at 1 but got 0");
    assertThatThrownBy(QuerySelector::nth).hasMessage("numbers must not be empty");
    assertThatThrownBy(() -> QuerySelector.share(1.5)).hasMessage("share must be between 0.0 and 1.0 but was 1.5");
    assertThatThrownBy(() -> QuerySelector.share(Double.NaN)).hasMessage("share must be between 0.0 and 1.0 but was NaN");
    assertThatThrownBy(() -> QuerySelector.containingPlayer(" ")).hasMessage("player must not be blank but was ' '");
  }

  @Test
  void faults_badArguments_areRejectedNamingTheValue() {
    assertThatThrownBy(() -> Fault.latency(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fixed must not be negative but was PT-0.001S");
    assertThatThrownBy(() -> Fault.latency(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("max (PT1S) must not be less than min (PT2S)");
    assertThatThrownBy(() -> Fault.transientError("")).hasMessage("reason must not be blank but was ''");
  }

  @Test
  void isLatency_onlyForDelays() {
    assertThat(Fault.latency(Duration.ZERO).isLatency()).isTrue();
    assertThat(Fault.latency(Duration.ZERO, Duration.ofSeconds(1)).isLatency()).isTrue();
    assertThat(Fault.hang().isLatency()).isFalse();
    assertThat(Fault.transientError().isLatency()).isFalse();
    assertThat(Fault.permanentError().isLatency()).isFalse();
  }

  @Test
  void always_appliesToEveryQuery() {
    FaultPlan plan = FaultPlan.always(Fault.hang());

    assertThat(matching(plan, 5)).containsExactly(1, 2, 3, 4, 5);
    assertThat(plan.rules()).containsExactly(new FaultPlan.Rule(QuerySelector.every(), Fault.hang()));
    assertThat(plan.decide(3, QUERY).outcome()).isEqualTo(Optional.of(Fault.hang()));
  }

  private static List<Integer> matching(FaultPlan plan, int queries) {
    return IntStream.rangeClosed(1, queries).filter(n -> !plan.decide(n, QUERY).applied().isEmpty()).boxed().toList();
  }
}
