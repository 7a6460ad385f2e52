package dev.gamehistory.loader.spring;

import dev.gamehistory.loader.spi.GamesQuery;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The health indicator {@code hgl} ({@link GamesQueryHealthIndicator}) over the {@link GamesQuery}
 * bean, when Spring Boot's health support is on the class path; off with
 * {@code management.health.hgl.enabled=false}.
 */
@AutoConfiguration(after = HistoricalGamesLoaderAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("hgl")
public final class HistoricalGamesLoaderHealthAutoConfiguration {

  /** Called by Spring. */
  public HistoricalGamesLoaderHealthAutoConfiguration() {}

  /** The indicator; its name, {@code hgl}, comes from the bean's. */
  @Bean
  @ConditionalOnSingleCandidate(GamesQuery.class)
  @ConditionalOnMissingBean(name = "hglHealthIndicator")
  public GamesQueryHealthIndicator hglHealthIndicator(GamesQuery backend) {
    return new GamesQueryHealthIndicator(backend);
  }
}
