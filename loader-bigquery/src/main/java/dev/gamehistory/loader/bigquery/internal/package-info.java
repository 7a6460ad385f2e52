/** The BigQuery backend's implementation: settings, SQL, job lifecycle, error classification, row mapping. */
@NullMarked
@Internal
package dev.gamehistory.loader.bigquery.internal;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
