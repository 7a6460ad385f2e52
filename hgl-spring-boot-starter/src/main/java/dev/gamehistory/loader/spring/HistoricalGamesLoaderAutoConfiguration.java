package dev.gamehistory.loader.spring;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.micrometer.LoadObservationConvention;
import dev.gamehistory.loader.micrometer.LoaderMetrics;
import dev.gamehistory.loader.micrometer.LoaderObservations;
import dev.gamehistory.loader.micrometer.QueryObservationConvention;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources;
import dev.gamehistory.loader.spi.GamesQuery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * A {@link HistoricalGamesLoader} from the {@code hgl.*} properties.
 *
 * <ul>
 *   <li>{@link SettingsSources.Resolved} and {@link LoaderSettings}: the {@code hgl.*} properties in
 *       Spring Boot's relaxed forms ({@code hgl.chunk-size}, {@code hgl.chunkSize},
 *       {@code HGL_CHUNKSIZE}, and the library's {@code HGL_CHUNK_SIZE}), each value with its
 *       Spring origin, parsed by {@link SettingsSources}, so an unknown key or a bad value fails
 *       startup with the library's {@link LoaderSettingsException} naming the property's origin.
 *       Property sources keep Spring's precedence. Both back off when the application defines its
 *       own settings bean.
 *   <li>{@link GamesQuery}: the backend the {@code backend} setting names, from the
 *       {@link dev.gamehistory.loader.spi.GamesQueryProvider}s on the class path; backs off for an
 *       application's own backend bean. The container closes it.
 *   <li>{@link HistoricalGamesLoader}: over that backend, with every {@link LoadListener} bean
 *       (including, with loader-micrometer, the observations when an {@link ObservationRegistry} is
 *       there and the metrics when a {@link MeterRegistry} is: then without their own load and query
 *       timers, which the observations give), closed when the context closes; backs off for an
 *       application's own loader bean.
 *       With {@code hgl.cache.enabled=true} (and loader-cache on the class path) it is a
 *       {@link dev.gamehistory.loader.CachingLoader}, injectable as such.
 *   <li>{@link PlayerHistoryClient}: single-player calls batched over that loader as the
 *       {@code hgl.batching.*} properties say, closed with the context; backs off for an
 *       application's own client bean.
 * </ul>
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
public final class HistoricalGamesLoaderAutoConfiguration {

  /** The property prefix of every setting. */
  public static final String PREFIX = EnvironmentSettings.PREFIX;

  /** Called by Spring. */
  public HistoricalGamesLoaderAutoConfiguration() {}

  /**
   * The settings of the {@code hgl.*} properties and {@code HGL_*} environment variables, each value
   * with where it came from and the values a higher source's strategy left unused (ignored).
   *
   * @throws LoaderSettingsException naming the property, its origin and the value for an unknown key or a bad value
   */
  @Bean
  @ConditionalOnMissingBean(LoaderSettings.class)
  public SettingsSources.Resolved hglSettingsSources(ConfigurableEnvironment environment) {
    return EnvironmentSettings.resolve(environment);
  }

  /** The settings parsed from the {@code hgl.*} properties and {@code HGL_*} environment variables. */
  @Bean
  @ConditionalOnMissingBean
  public LoaderSettings hglLoaderSettings(SettingsSources.Resolved hglSettingsSources) {
    return hglSettingsSources.settings();
  }

  /**
   * The backend the settings' {@code backend} key names.
   *
   * @throws LoaderSettingsException when no provider has that name or its settings are bad, naming the
   *     origin of the value when the starter resolved the settings
   */
  @Bean
  @ConditionalOnMissingBean
  public GamesQuery hglGamesQuery(LoaderSettings settings, ObjectProvider<SettingsSources.Resolved> sources,
      ResourceLoader resourceLoader) {
    try {
      return Backends.create(settings, resourceLoader.getClassLoader());
    } catch (LoaderSettingsException e) {
      throw withOrigin(e, settings, sources);
    }
  }

  /**
   * The loader over the backend bean, with every {@link LoadListener} bean.
   *
   * @throws LoaderSettingsException naming {@code cache.enabled} and its origin when the cache is
   *     enabled and loader-cache is missing
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public HistoricalGamesLoader historicalGamesLoader(LoaderSettings settings, GamesQuery backend,
      ObjectProvider<LoadListener> listeners, ObjectProvider<SettingsSources.Resolved> sources) {
    // The backend is a bean of its own, closed by the container after the loader: the loader gets a
    // view it does not close, so that the backend is closed once.
    HistoricalGamesLoader.Builder builder = HistoricalGamesLoader.builder()
        .backend(new ContainerOwnedGamesQuery(backend))
        .settings(settings);
    listeners.orderedStream().forEach(builder::listener);
    try {
      return builder.build();
    } catch (LoaderSettingsException e) {
      throw withOrigin(e, settings, sources);
    }
  }

  /** The failure naming its value's origin, when these settings are the ones the starter resolved. */
  private static LoaderSettingsException withOrigin(LoaderSettingsException failure, LoaderSettings settings,
      ObjectProvider<SettingsSources.Resolved> sources) {
    SettingsSources.Resolved resolved = sources.getIfAvailable();
    return resolved != null && resolved.settings().equals(settings) ? resolved.withOrigin(failure) : failure;
  }

  /** Single-player calls, gathered into loads of the loader bean. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public PlayerHistoryClient hglPlayerHistoryClient(HistoricalGamesLoader loader,
      ObjectProvider<SettingsSources.Resolved> sources) {
    try {
      return PlayerHistoryClient.of(loader);
    } catch (IllegalArgumentException e) {
      // The default window against a deadline that is shorter still: a settings problem, named as one.
      throw withOrigin(LoaderSettingsException.of("deadline", loader.settings().timeouts().deadline().toString(), null,
          e.getMessage(), e), loader.settings(), sources);
    }
  }

  /**
   * The metrics listener, when loader-micrometer and one meter registry are there; without the load
   * and query timers when the observations below time them (through the observation registry's meter
   * handler, which Spring Boot's metrics auto-configuration registers).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({LoaderMetrics.class, MeterRegistry.class})
  static class MetricsConfiguration {

    @Bean
    @ConditionalOnSingleCandidate(MeterRegistry.class)
    @ConditionalOnMissingBean(LoaderMetrics.class)
    LoaderMetrics hglLoaderMetrics(MeterRegistry registry, ObjectProvider<LoaderObservations> observations,
        ObjectProvider<MeterObservationHandler<?>> meterHandlers, Environment environment) {
      LoaderMetrics metrics = LoaderMetrics.of(registry);
      // Only when the observations do become timers: a meter handler records them and Spring Boot's
      // management.observations.enable.* leaves them on.
      boolean timedByObservations = observations.getIfUnique() != null && meterHandlers.stream().findAny().isPresent()
          && enabled(environment, LoaderMetrics.LOAD) && enabled(environment, LoaderMetrics.QUERY);
      return timedByObservations ? metrics.withoutTimers() : metrics;
    }

    /** Spring Boot's {@code management.observations.enable.<prefix>} for {@code name}: the longest prefix set decides. */
    private static boolean enabled(Environment environment, String name) {
      for (String prefix = name; !prefix.isEmpty();
          prefix = prefix.contains(".") ? prefix.substring(0, prefix.lastIndexOf('.')) : "") {
        Boolean value = environment.getProperty("management.observations.enable." + prefix, Boolean.class);
        if (value != null) {
          return value;
        }
      }
      return environment.getProperty("management.observations.enable.all", Boolean.class, true);
    }
  }

  /**
   * The observations listener (a span per load and per query with a tracer, timers with a meter
   * handler), when loader-micrometer and one observation registry are there; with the application's
   * {@link LoadObservationConvention} and {@link QueryObservationConvention} beans when it defines both.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({LoaderObservations.class, ObservationRegistry.class})
  static class ObservationConfiguration {

    @Bean
    @ConditionalOnSingleCandidate(ObservationRegistry.class)
    @ConditionalOnMissingBean(LoaderObservations.class)
    LoaderObservations hglLoaderObservations(ObservationRegistry registry,
        ObjectProvider<LoadObservationConvention> load, ObjectProvider<QueryObservationConvention> query) {
      LoaderObservations observations = LoaderObservations.of(registry);
      LoadObservationConvention loadConvention = load.getIfUnique();
      QueryObservationConvention queryConvention = query.getIfUnique();
      return loadConvention != null && queryConvention != null
          ? observations.withConventions(loadConvention, queryConvention) : observations;
    }
  }
}
